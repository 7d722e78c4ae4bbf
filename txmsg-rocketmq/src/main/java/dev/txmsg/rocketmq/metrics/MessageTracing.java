package dev.txmsg.rocketmq.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;

/**
 * txmsg's Micrometer Observations: one around each step a message takes, so that with Micrometer
 * Tracing (and a bridge such as OpenTelemetry's or Brave's) one trace follows a message from the
 * code that sent it through every consumer, check-backs, settlements and retries included. The
 * trace context travels in the message, as the user properties the tracer's propagator writes
 * ({@code traceparent} with W3C propagation).
 * <ul>
 * <li>{@value #SEND}: a transactional send, half messages, local transaction and end (a producer span;
 *     its context is what the messages carry)</li>
 * <li>{@value #CHECK_BACK}: a check-back answered, as a child of the send that wrote the message</li>
 * <li>{@value #IN_DOUBT}: an exhausted half message settled, as a child of its send</li>
 * <li>{@value #RELAY}: an outbox message published by the relay, as a child of its send</li>
 * <li>{@value #CONSUME}: a delivery (or a dead letter's replay) run through a handler, as a child of
 *     the send; what the handler does (its own sends included) joins the trace</li>
 * </ul>
 * Low-cardinality attributes: {@value #GROUP}, {@value #TOPIC}, {@value #OUTCOME}; high-cardinality:
 * {@value #TRANSACTION_ID}, {@value #TAG}, {@value #KEYS}, {@value #MESSAGES}. With
 * {@link ObservationRegistry#NOOP} (the default) nothing is created and nothing is written into
 * messages.
 */
public final class MessageTracing {

    /** The observation of a transactional send. */
    public static final String SEND = "txmsg.trace.send";
    /** The observation of a check-back. */
    public static final String CHECK_BACK = "txmsg.trace.checkback";
    /** The observation of an in-doubt settlement. */
    public static final String IN_DOUBT = "txmsg.trace.indoubt";
    /** The observation of an outbox message's publication by the relay. */
    public static final String RELAY = "txmsg.trace.relay";
    /** The observation of a delivery to a handler. */
    public static final String CONSUME = "txmsg.trace.consume";

    /** The producer or consumer group. */
    public static final String GROUP = "txmsg.group";
    /** The topic. */
    public static final String TOPIC = "txmsg.topic";
    /** How the step ended (committed, rolled_back, applied, duplicate, retry, dead, commit, ...). */
    public static final String OUTCOME = "txmsg.outcome";
    /** The transaction id (the first message's, for a send of several). */
    public static final String TRANSACTION_ID = "txmsg.transaction_id";
    /** The message's tag. */
    public static final String TAG = "txmsg.tag";
    /** The message's keys. */
    public static final String KEYS = "txmsg.keys";
    /** The number of messages of a send. */
    public static final String MESSAGES = "txmsg.messages";

    private static final MessageTracing NONE = new MessageTracing(ObservationRegistry.NOOP);

    private final ObservationRegistry registry;

    /** Observations in {@code registry}. */
    public MessageTracing(ObservationRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** No observations. */
    public static MessageTracing none() {
        return NONE;
    }

    /** The registry. */
    public ObservationRegistry registry() {
        return registry;
    }

    /**
     * Starts the observation of a send. The trace context to put into each of its messages is then
     * in {@link Step#propagation()}.
     */
    public Step startSend(String group, String topic, String tag, String transactionId, String keys, int messages) {
        if (registry.isNoop()) {
            return Step.NONE;
        }
        Map<String, String> carrier = new HashMap<>(4);
        SenderContext<Map<String, String>> context = new SenderContext<>((c, key, value) -> c.put(key, value), Kind.PRODUCER);
        context.setCarrier(carrier);
        context.setRemoteServiceName("rocketmq");
        Observation observation = Observation.createNotStarted(SEND, () -> context, registry)
            .contextualName("send " + topic);
        tag(observation, group, topic, tag, transactionId, keys);
        observation.highCardinalityKeyValue(MESSAGES, Integer.toString(messages));
        return new Step(observation.start(), carrier);
    }

    /**
     * Starts an observation of a step on a received message (or a stored one) whose user properties
     * hold the trace context of its send.
     *
     * @param name       {@link #CHECK_BACK}, {@link #IN_DOUBT}, {@link #RELAY} or {@link #CONSUME}
     * @param properties the message's properties, where the propagator reads the context
     */
    public Step startReceived(String name, String group, String topic, String tag, String transactionId, String keys,
                              Map<String, String> properties) {
        if (registry.isNoop()) {
            return Step.NONE;
        }
        ReceiverContext<Map<String, String>> context = new ReceiverContext<>((c, key) -> c.get(key), Kind.CONSUMER);
        context.setCarrier(properties == null ? Map.of() : properties);
        context.setRemoteServiceName("rocketmq");
        Observation observation = Observation.createNotStarted(name, () -> context, registry)
            .contextualName(verb(name) + " " + topic);
        tag(observation, group, topic, tag, transactionId, keys);
        return new Step(observation.start(), Map.of());
    }

    private static String verb(String name) {
        return switch (name) {
            case CHECK_BACK -> "check-back";
            case IN_DOUBT -> "settle";
            case RELAY -> "relay";
            default -> "consume";
        };
    }

    private static void tag(Observation observation, String group, String topic, String tag, String transactionId, String keys) {
        observation.lowCardinalityKeyValue(GROUP, group == null ? "" : group)
            .lowCardinalityKeyValue(TOPIC, topic == null ? "" : topic);
        if (transactionId != null) {
            observation.highCardinalityKeyValue(TRANSACTION_ID, transactionId);
        }
        if (tag != null && !tag.isEmpty()) {
            observation.highCardinalityKeyValue(TAG, tag);
        }
        if (keys != null && !keys.isEmpty()) {
            observation.highCardinalityKeyValue(KEYS, keys);
        }
    }

    /**
     * A started observation: opened in scope while the step runs on this thread, ended with its
     * outcome.
     */
    public static final class Step {

        static final Step NONE = new Step(Observation.NOOP, Map.of());

        private final Observation observation;
        private final Map<String, String> propagation;

        private Step(Observation observation, Map<String, String> propagation) {
            this.observation = observation;
            this.propagation = propagation;
        }

        /** The fields to write into each message of a send (none without a tracer). */
        public Map<String, String> propagation() {
            return propagation;
        }

        /** Makes the observation current on this thread until the scope closes. */
        public Observation.Scope open() {
            return observation.openScope();
        }

        /** Records the step's outcome (lower-cased). */
        public Step outcome(Object outcome) {
            if (observation != Observation.NOOP && outcome != null) {
                observation.lowCardinalityKeyValue(KeyValue.of(OUTCOME, outcome.toString().toLowerCase(java.util.Locale.ROOT)));
            }
            return this;
        }

        /** Records (or corrects) the transaction id. */
        public Step transactionId(String transactionId) {
            if (observation != Observation.NOOP && transactionId != null) {
                observation.highCardinalityKeyValue(TRANSACTION_ID, transactionId);
            }
            return this;
        }

        /** Records an error. */
        public Step error(Throwable error) {
            if (observation != Observation.NOOP && error != null) {
                observation.error(error);
            }
            return this;
        }

        /** Ends the observation. */
        public void stop() {
            observation.stop();
        }
    }
}
