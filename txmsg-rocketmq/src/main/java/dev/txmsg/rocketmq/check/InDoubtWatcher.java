package dev.txmsg.rocketmq.check;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.NamespaceUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.observation.Observation;

import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.client.Redelivery;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.wire.WireFormat;

/**
 * Settles half messages whose check-backs the broker exhausted: after {@code transactionCheckMax}
 * checks the broker moves them to {@code TRANS_CHECK_MAX_TIME_TOPIC}, which nobody consumes. This
 * watcher consumes it for one producer group and decides each of its messages from the
 * transaction log, as the check-back would have:
 * <ul>
 * <li>committed: published to its topic with its transaction id (consumers de-duplicate) — DELIVERED;</li>
 * <li>rolled back: DROPPED;</li>
 * <li>no row, younger than the log's retention: fenced (rolled back) — FENCED;</li>
 * <li>no row, older: IN_DOUBT, for an operator ({@link dev.txmsg.api.ops.Operations}).</li>
 * </ul>
 * Messages of other groups or other logs are left alone. A settle that fails (the database is
 * down) is retried with a capped backoff for as long as it takes — never dropped into a dead-letter
 * topic without a record — and counts as {@link #failing()} until it succeeds.
 */
public final class InDoubtWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InDoubtWatcher.class);

    /**
     * The highest delay level a failed settle waits for before its next attempt: RocketMQ's default
     * levels give 10 s, 30 s, 1 min, then 2 min between attempts, for as long as it takes.
     */
    static final int MAX_DELAY_LEVEL = 6;

    private final ClientOptions client;
    private final String producerGroup;
    private final ConfiguredDecider decider;
    private final MessageTracing tracing;
    private final ConsumerStore store;
    private final Republisher republisher;
    private final Duration probeInterval;
    private final Map<String, Instant> failing = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private DefaultMQPushConsumer consumer;
    private ScheduledExecutorService probe;

    /**
     * @param client        how to reach the brokers (the sender's)
     * @param producerGroup the producer group whose exhausted messages to settle, as its started
     *                      producer names it (with its namespace, if any)
     * @param decider       decides each message, as the check-back would have
     * @param store         where settled messages are recorded
     * @param republisher   publishes committed messages
     * @param probeInterval how often to ask the name server whether {@code TRANS_CHECK_MAX_TIME_TOPIC} exists yet
     */
    public InDoubtWatcher(ClientOptions client, String producerGroup, ConfiguredDecider decider, ConsumerStore store,
                          Republisher republisher, Duration probeInterval) {
        this(client, producerGroup, decider, store, republisher, probeInterval, MessageTracing.none());
    }

    /**
     * A watcher whose settlements are observed with {@code tracing}, each a child of the send that
     * wrote its message; otherwise as {@link #InDoubtWatcher(ClientOptions, String, ConfiguredDecider,
     * ConsumerStore, Republisher, Duration)}.
     */
    public InDoubtWatcher(ClientOptions client, String producerGroup, ConfiguredDecider decider, ConsumerStore store,
                          Republisher republisher, Duration probeInterval, MessageTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.client = Objects.requireNonNull(client, "client");
        this.producerGroup = Objects.requireNonNull(producerGroup, "producerGroup");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.store = Objects.requireNonNull(store, "store");
        this.republisher = Objects.requireNonNull(republisher, "republisher");
        this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval");
    }

    /** The consumer group the watcher uses: {@code txmsg-in-doubt-<producer group>} (in the namespace, if any). */
    public String consumerGroup() {
        return "txmsg-in-doubt-" + NamespaceUtil.withoutNamespace(producerGroup, client.namespace());
    }

    /** Exhausted messages whose settlement failed and has not succeeded since (the database was down, say): an alarm while above 0. */
    public int failing() {
        return failing.size();
    }

    /** Since when the oldest of the {@link #failing()} messages has been failing, if any. */
    public Optional<Instant> failingSince() {
        return failing.values().stream().min(Instant::compareTo);
    }

    /** Settle attempts that failed, in all. */
    public long failures() {
        return failures.get();
    }

    /**
     * Starts watching. The broker creates {@code TRANS_CHECK_MAX_TIME_TOPIC} only when it first gives up
     * on a message; until then the watcher asks the name server for it every probe interval, quietly,
     * rather than subscribe to a topic that does not exist (the client would warn every few seconds).
     */
    public synchronized InDoubtWatcher start() {
        if (consumer != null || probe != null) {
            return this;
        }
        probe = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("in-doubt-" + producerGroup));
        probe.scheduleWithFixedDelay(this::subscribeOnceTheTopicExists, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void subscribeOnceTheTopicExists() {
        try {
            if (topicExists()) {
                subscribe();
                probe.shutdown();
            }
        } catch (RuntimeException e) {
            LOG.debug("in-doubt watcher of group {} could not start yet ({}); trying again", producerGroup, e.toString());
        }
    }

    private boolean topicExists() {
        try {
            republisher.mqClientAPI().getTopicRouteInfoFromNameServer(TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, 3000, false);
            return true;
        } catch (MQClientException e) {
            return false; // not created yet: the broker has given up on no message so far
        } catch (Exception e) {
            LOG.debug("could not ask the name server for {}: {}", TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, e.toString());
            return false;
        }
    }

    private synchronized void subscribe() {
        if (consumer != null) {
            return;
        }
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(consumerGroup(), client.rpcHook(), new AllocateMessageQueueAveragely());
        client.applyTo(c);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeMessageBatchMaxSize(1);
        c.setConsumeThreadMin(1);
        c.setConsumeThreadMax(2);
        c.setPollNameServerInterval(10_000);
        // RocketMQ's default of 16 redeliveries would end in the watcher's %DLQ%, where nobody looks
        // and txmsg_in_doubt has no row: a settle that keeps failing is retried for as long as it takes.
        Redelivery.unlimited(c);
        try {
            c.subscribe(TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, "*");
            c.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    if (settle(m).isEmpty()) {
                        Redelivery.later(context, m, MAX_DELAY_LEVEL);
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("the in-doubt watcher of group " + producerGroup + " did not start: " + e.getMessage(), e);
        }
        consumer = c;
        LOG.info("in-doubt watcher of group {} subscribed to {}", producerGroup, TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC);
    }

    /**
     * Decides one exhausted half message.
     *
     * @return what was done ({@link Settled#IGNORED} for another group's or log's message), or
     *         empty to retry later (the database is down, a decorator could not decide)
     */
    Optional<Settled> settle(MessageExt m) {
        if (!producerGroup.equals(m.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP))
            || !decider.logIdentity().equals(m.getProperty(WireFormat.LOG_IDENTITY_PROPERTY))) {
            return Optional.of(Settled.IGNORED);
        }
        String txId = WireFormat.transactionId(m);
        Optional<Settled> settled;
        MessageTracing.Step step = tracing.startReceived(MessageTracing.IN_DOUBT, producerGroup, topic(m), m.getTags(), txId,
            m.getKeys(), m.getProperties());
        try (Observation.Scope scope = step.open()) {
            settled = settle(m, txId, topic(m));
            step.outcome(settled.map(Enum::name).orElse("retry"));
        } catch (SQLException | RuntimeException e) {
            step.outcome("retry").error(e);
            LOG.warn("could not settle exhausted transaction {} (attempt {}: {}); it is tried again after a backoff, for as long as "
                + "it takes", txId, m.getReconsumeTimes() + 1, e.toString());
            settled = Optional.empty();
        } finally {
            step.stop();
        }
        if (settled.isEmpty()) {
            failures.incrementAndGet();
            failing.putIfAbsent(txId, Instant.now());
        } else {
            failing.remove(txId);
        }
        return settled;
    }

    /**
     * The topic the application sent to, as txmsg recorded it on the message. RocketMQ's
     * {@code REAL_TOPIC} is no guide: on a redelivery it names the watcher's own retry topic. Only
     * a message of an older txmsg, which did not record it, falls back to a {@code REAL_TOPIC} that
     * is not a retry or system topic.
     */
    private String topic(MessageExt m) {
        String recorded = m.getProperty(WireFormat.TOPIC_PROPERTY);
        if (recorded != null) {
            return recorded;
        }
        String real = m.getProperty(MessageConst.PROPERTY_REAL_TOPIC);
        if (real == null || real.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) || real.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)
            || TopicValidator.isSystemTopic(real) || m.getReconsumeTimes() > 0) {
            return null;
        }
        return NamespaceUtil.withoutNamespace(real, client.namespace());
    }

    private Optional<Settled> settle(MessageExt m, String txId, String topic) throws SQLException {
        // Decorators see the group as the check-back shows it to them: without the namespace.
        Decision decision = decider.decide(WireFormat.checkRequest(m, topic == null ? "?" : topic,
            NamespaceUtil.withoutNamespace(producerGroup, client.namespace())));
        switch (decision.state()) {
            case COMMITTED -> {
                if (topic == null) {
                    record(m, txId, null, InDoubtTransaction.Status.IN_DOUBT, "committed in the log, but the message does not say "
                        + "which topic it was sent to (sent by an older txmsg and redelivered): replay it after checking the topic");
                    LOG.error("transaction {} exhausted its check-backs, committed, but its topic is unknown; recorded IN_DOUBT", txId);
                    return Optional.of(Settled.IN_DOUBT);
                }
                republisher.publish(txId, topic, m.getTags(), WireFormat.keys(m), m.getBody(), WireFormat.userProperties(m.getProperties()));
                record(m, txId, topic, InDoubtTransaction.Status.DELIVERED, "committed in the log: delivered");
                LOG.warn("transaction {} (topic {}) exhausted its check-backs although its log says COMMITTED; delivered it", txId, topic);
                return Optional.of(Settled.DELIVERED);
            }
            case ROLLED_BACK -> {
                boolean fenced = decision.basis() == Decision.Basis.FENCED;
                record(m, txId, topic, fenced ? InDoubtTransaction.Status.FENCED : InDoubtTransaction.Status.DROPPED,
                    fenced ? "no log row: fenced and dropped" : "rolled back in the log: dropped");
                return Optional.of(fenced ? Settled.FENCED : Settled.DROPPED);
            }
            default -> {
                if (decision.basis() == Decision.Basis.BEYOND_RETENTION) {
                    record(m, txId, topic, InDoubtTransaction.Status.IN_DOUBT, "no log row and older than the retention ("
                        + decider.horizon() + "): the row may have been purged, so nothing can be decided");
                    LOG.error("transaction {} (topic {}) exhausted its check-backs and cannot be decided: no log row, and it is older "
                        + "than the retention. Recorded IN_DOUBT for an operator.", txId, topic);
                    return Optional.of(Settled.IN_DOUBT);
                }
                if (decision.basis() == Decision.Basis.FOREIGN) {
                    return Optional.of(Settled.IGNORED);
                }
                return Optional.empty(); // not decidable now: asked again after a backoff
            }
        }
    }

    private void record(MessageExt m, String txId, String topic, InDoubtTransaction.Status status, String resolution)
        throws SQLException {
        store.recordInDoubt(new InDoubtTransaction(txId, NamespaceUtil.withoutNamespace(producerGroup, client.namespace()),
            topic == null ? "?" : topic, m.getTags(), WireFormat.keys(m), m.getBody(), WireFormat.userProperties(m.getProperties()),
            Instant.ofEpochMilli(m.getBornTimestamp()), null, status, resolution));
    }

    /** Stops the watcher. */
    @Override
    public synchronized void close() {
        if (probe != null) {
            probe.shutdownNow();
            probe = null;
        }
        if (consumer != null) {
            consumer.shutdown();
            consumer = null;
        }
    }

    /** What the watcher did with a message. */
    enum Settled {
        /** Another group's or another log's message. */
        IGNORED,
        /** Published. */
        DELIVERED,
        /** Rolled back in the log. */
        DROPPED,
        /** Fenced. */
        FENCED,
        /** Left for an operator. */
        IN_DOUBT
    }
}
