package dev.txmsg.rocketmq.consume;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.observation.Observation;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.store.FailedDelivery;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.Received;

/**
 * Applies one message once: in one local transaction, the consume-log row (a duplicate finds the
 * key, waiting if another consumer holds it, and is acknowledged without running the handler),
 * then the handler, then the commit. Failures are recorded as RETRYING, and DEAD after the last
 * attempt or for a non-retryable failure.
 */
public final class ConsumePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumePipeline.class);
    private static final int MAX_CAUSE_CHARS = 16_000;

    /** What became of a delivery. */
    public enum Outcome {
        /** The handler ran and committed. */
        APPLIED,
        /** The group applied this message before; the handler did not run. */
        DUPLICATE,
        /** Failed; the broker delivers it again later. */
        RETRY,
        /** Failed for good; recorded as a dead letter and acknowledged. */
        DEAD,
        /** A replayed dead letter was no longer waiting (discarded or replayed meanwhile): nothing ran. */
        NOT_PENDING
    }

    private final LocalTransactions transactions;
    private final ConsumerStore store;
    private final PayloadConverter converter;
    private final MessageTracing tracing;

    ConsumePipeline(LocalTransactions transactions, ConsumerStore store, PayloadConverter converter, MessageTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.store = Objects.requireNonNull(store, "store");
        this.converter = Objects.requireNonNull(converter, "converter");
    }

    /** The converter of payloads. */
    PayloadConverter converter() {
        return converter;
    }

    /** The consumer tables. */
    public ConsumerStore store() {
        return store;
    }

    /** Delivers {@code message} to the subscription's handler, recording a failure. */
    Outcome deliver(Subscription subscription, Received message) {
        Attempt attempt = apply(subscription, message);
        if (attempt.failure() != null) {
            return recordFailure(subscription, message, attempt.failure());
        }
        if (attempt.outcome() == Outcome.DUPLICATE && message.attempt() > 1) {
            // An earlier attempt whose commit looked failed had committed after all (a connection lost
            // during COMMIT): the message is applied, so its failure record must not stay RETRYING.
            // If that removal fails too, the message is delivered once more (a duplicate again, the
            // handler does not run) to remove it then, rather than leave it for an operator.
            return forgetFailure(subscription.consumerGroup(), message) ? Outcome.DUPLICATE : Outcome.RETRY;
        }
        return attempt.outcome();
    }

    private boolean forgetFailure(String group, Received message) {
        try {
            store.clearRetrying(group, message.topic(), message.deduplicationKey());
            return true;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} is applied, but its RETRYING failure record could not be removed ({}); it is delivered again to remove it",
                message, e.toString());
            return false;
        }
    }

    /**
     * Runs the handler once, in a transaction with the consume-log row.
     *
     * @return {@link Outcome#APPLIED}, {@link Outcome#DUPLICATE}, or the failure
     */
    Attempt apply(Subscription subscription, Received message) {
        return apply(subscription, message, null);
    }

    /**
     * Replays a dead letter through the subscription's handler: as a delivery, with the dead letter
     * moved from DEAD to REPLAYED first, in the same transaction, so that a concurrent discard waits
     * for the outcome instead of racing it.
     *
     * @return the outcome ({@link Outcome#APPLIED}, {@link Outcome#DUPLICATE} if the consume log shows
     *         it applied, {@link Outcome#NOT_PENDING} if it was no longer DEAD), or the failure
     */
    public Attempt replay(Subscription subscription, DeadLetter letter) {
        return apply(subscription, Received.replayOf(letter, converter), letter.id());
    }

    /** Runs the handler in the observation of this delivery, a child of the send that wrote the message. */
    private Attempt apply(Subscription subscription, Received message, Long deadLetterId) {
        MessageTracing.Step step = tracing.startReceived(MessageTracing.CONSUME, subscription.consumerGroup(), message.topic(),
            message.tag(), message.transactionId(), String.join(" ", message.keys()), message.properties());
        Attempt attempt = null;
        try (Observation.Scope scope = step.open()) {
            attempt = applyInScope(subscription, message, deadLetterId);
            return attempt;
        } finally {
            if (attempt == null) { // an Error escaped
                step.outcome("failed").stop();
            } else {
                step.outcome(attempt.outcome() != null ? attempt.outcome() : "failed").error(attempt.failure()).stop();
            }
        }
    }

    private Attempt applyInScope(Subscription subscription, Received message, Long deadLetterId) {
        String group = subscription.consumerGroup();
        LocalTransaction tx;
        try {
            tx = transactions.begin();
        } catch (Exception e) {
            return Attempt.failed(e);
        }
        try {
            if (deadLetterId != null && !store.claimDeadLetterForReplay(tx.connection(), deadLetterId, "replayed: applied")) {
                tx.rollback();
                return new Attempt(Outcome.NOT_PENDING, null);
            }
            if (!store.claim(tx.connection(), group, message.deduplicationKey(), message.topic())) {
                tx.rollback();
                LOG.debug("{} was applied by group {} before; acknowledged without running the handler", message, group);
                return new Attempt(Outcome.DUPLICATE, null);
            }
            subscription.handler().handle(message, new Context(group, tx.connection()));
            if (dev.txmsg.rocketmq.tx.AbortedTransactions.isAborted(tx.connection())) {
                tx.rollback();
                return Attempt.failed(new IllegalStateException("the database aborted the handler's transaction at an error the "
                    + "handler caught (PostgreSQL ends a transaction at its first error): rolled back, delivered again"));
            }
            if (message.attempt() > 1) {
                store.clearRetrying(tx.connection(), group, message.topic(), message.deduplicationKey());
            }
        } catch (Throwable e) {
            tx.rollback();
            return Attempt.failed(e);
        }
        try {
            if (tx.commit() == LocalTransaction.Outcome.ROLLED_BACK) {
                return Attempt.failed(new IllegalStateException("the handler's transaction was rolled back instead of committed: it was "
                    + "marked rollback-only, or the database aborted it at an error the handler caught (PostgreSQL)"));
            }
        } catch (Exception e) {
            // Unknown: if it did commit, the next delivery finds the consume-log row.
            return Attempt.failed(e);
        }
        return new Attempt(Outcome.APPLIED, null);
    }

    private Outcome recordFailure(Subscription subscription, Received message, Throwable cause) {
        boolean dead = subscription.isNonRetryable(cause) || message.attempt() >= subscription.maxAttempts();
        try {
            store.recordFailure(failure(subscription.consumerGroup(), message, cause, dead));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not record the failure of {} in group {} ({}); it is delivered again", message,
                subscription.consumerGroup(), e.toString());
            return Outcome.RETRY;
        }
        if (dead) {
            LOG.error("{} failed in group {} {}; recorded as a dead letter for an operator: {}", message, subscription.consumerGroup(),
                subscription.isNonRetryable(cause) ? "with a non-retryable error" : "on its last attempt (" + subscription.maxAttempts() + ")",
                cause.toString());
            return Outcome.DEAD;
        }
        LOG.warn("{} failed in group {} ({}); it is delivered again after a backoff", message, subscription.consumerGroup(), cause.toString());
        return Outcome.RETRY;
    }

    private static FailedDelivery failure(String group, Received message, Throwable cause, boolean dead) {
        return new FailedDelivery(group, message.deduplicationKey(), message.messageId(), message.topic(), message.tag(),
            message.keys(), message.rawBody(), message.properties(), message.attempt(), describe(cause), dead);
    }

    /**
     * A failure as recorded: its stack trace, cut at 16,000 characters, NUL characters shown as
     * {@code \0} (PostgreSQL's text columns refuse them, and a cause that cannot be recorded would
     * never become a dead letter).
     */
    public static String describe(Throwable cause) {
        StringWriter out = new StringWriter();
        cause.printStackTrace(new PrintWriter(out));
        String text = out.toString().replace("\u0000", "\\0");
        return text.length() > MAX_CAUSE_CHARS ? text.substring(0, MAX_CAUSE_CHARS) + "\n..." : text;
    }

    /**
     * The outcome of one run of the handler: an outcome, or a failure to record.
     *
     * @param outcome what happened, or {@code null} after a failure
     * @param failure the failure, or {@code null}
     */
    public record Attempt(Outcome outcome, Throwable failure) {
        static Attempt failed(Throwable failure) {
            return new Attempt(null, failure);
        }
    }

    private record Context(String consumerGroup, Connection connection) implements ConsumeContext {
    }
}
