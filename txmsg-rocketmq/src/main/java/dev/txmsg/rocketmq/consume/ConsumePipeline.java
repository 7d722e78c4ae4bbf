package dev.txmsg.rocketmq.consume;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.rocketmq.log.ConsumerStore;
import dev.txmsg.rocketmq.log.DeadLetterRow;
import dev.txmsg.rocketmq.log.Rows;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;

/**
 * Applies one message once: in one local transaction, the consume-log row (a duplicate finds the
 * key, waiting if another consumer holds it, and is acknowledged without running the handler),
 * then the handler, then the commit. Failures are recorded as RETRYING, and DEAD after the last
 * attempt or for a non-retryable failure.
 */
final class ConsumePipeline {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumePipeline.class);
    private static final int MAX_CAUSE_CHARS = 16_000;

    /** What became of a delivery. */
    enum Outcome {
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

    ConsumePipeline(LocalTransactions transactions, ConsumerStore store) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.store = Objects.requireNonNull(store, "store");
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
            forgetFailure(subscription.consumerGroup(), message);
        }
        return attempt.outcome();
    }

    private void forgetFailure(String group, Received message) {
        try {
            store.clearRetrying(group, message.topic(), message.deduplicationKey());
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{} is applied, but its RETRYING failure record could not be removed ({})", message, e.toString());
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
     * Replays a dead letter: as {@link #apply(Subscription, Received)}, with the dead letter moved
     * from DEAD to REPLAYED first, in the same transaction, so that a concurrent discard waits for
     * the outcome instead of racing it.
     *
     * @return the outcome, the failure, or {@link Outcome#NOT_PENDING} if it was no longer DEAD
     */
    Attempt replay(Subscription subscription, Received message, long deadLetterId) {
        return apply(subscription, message, deadLetterId);
    }

    private Attempt apply(Subscription subscription, Received message, Long deadLetterId) {
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
            if (message.attempt() > 1) {
                store.clearRetrying(tx.connection(), group, message.topic(), message.deduplicationKey());
            }
        } catch (Throwable e) {
            tx.rollback();
            return Attempt.failed(e);
        }
        try {
            if (tx.commit() == LocalTransaction.Outcome.ROLLED_BACK) {
                return Attempt.failed(new IllegalStateException("the handler's transaction was marked rollback-only and rolled back"));
            }
        } catch (Exception e) {
            // Unknown: if it did commit, the next delivery finds the consume-log row.
            return Attempt.failed(e);
        }
        return new Attempt(Outcome.APPLIED, null);
    }

    private Outcome recordFailure(Subscription subscription, Received message, Throwable cause) {
        boolean dead = subscription.isNonRetryable(cause) || message.attempt() >= subscription.maxAttempts();
        DeadLetterRow row = row(subscription.consumerGroup(), message, cause, dead);
        try {
            store.recordFailure(row);
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

    private static DeadLetterRow row(String group, Received message, Throwable cause, boolean dead) {
        DeadLetterRow r = new DeadLetterRow();
        r.consumerGroup = group;
        r.messageKey = message.deduplicationKey();
        r.messageId = message.messageId();
        r.topic = message.topic();
        r.tag = Rows.tag(message.tag());
        r.messageKeys = Rows.keys(message.keys());
        r.body = message.rawBody();
        r.properties = Rows.properties(message.properties());
        r.attempts = message.attempt();
        r.cause = describe(cause);
        r.status = (dead ? DeadLetter.Status.DEAD : DeadLetter.Status.RETRYING).name();
        return r;
    }

    static String describe(Throwable cause) {
        StringWriter out = new StringWriter();
        cause.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > MAX_CAUSE_CHARS ? text.substring(0, MAX_CAUSE_CHARS) + "\n..." : text;
    }

    /** The outcome of one run of the handler: an outcome, or a failure to record. */
    record Attempt(Outcome outcome, Throwable failure) {
        static Attempt failed(Throwable failure) {
            return new Attempt(null, failure);
        }
    }

    private record Context(String consumerGroup, Connection connection) implements ConsumeContext {
    }
}
