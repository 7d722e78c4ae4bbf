package dev.txmsg.acceptance;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.apache.rocketmq.common.message.Message;

/**
 * How a suite wants an outbox-mode sender's relay: partitions, timing, attempts, and what happens
 * around each publication (faults injected around the real broker send).
 *
 * @param partitions   the outbox's partitions
 * @param pollInterval how often the relay looks for messages it was not woken for
 * @param leaseTtl     how long a relay holds a partition without renewing
 * @param maxAttempts  attempts at a refused message before it is FAILED
 * @param interceptor  runs around each publication
 * @param keepPublished how long published messages are kept (zero: deleted when published)
 */
public record OutboxSpec(int partitions, Duration pollInterval, Duration leaseTtl, int maxAttempts, PublishInterceptor interceptor,
                         Duration keepPublished) {

    /** Checks for nulls. */
    public OutboxSpec {
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(interceptor, "interceptor");
        Objects.requireNonNull(keepPublished, "keepPublished");
    }

    /** 4 partitions, a poll every 200 ms, 2 s leases, 3 attempts, publications untouched, published messages deleted. */
    public static OutboxSpec defaults() {
        return new OutboxSpec(4, Duration.ofMillis(200), Duration.ofSeconds(2), 3, PublishInterceptor.NONE, Duration.ZERO);
    }

    /** With this many partitions. */
    public OutboxSpec withPartitions(int partitions) {
        return new OutboxSpec(partitions, pollInterval, leaseTtl, maxAttempts, interceptor, keepPublished);
    }

    /** With this interceptor around each publication. */
    public OutboxSpec withInterceptor(PublishInterceptor interceptor) {
        return new OutboxSpec(partitions, pollInterval, leaseTtl, maxAttempts, interceptor, keepPublished);
    }

    /** With this many attempts at a refused message. */
    public OutboxSpec withMaxAttempts(int maxAttempts) {
        return new OutboxSpec(partitions, pollInterval, leaseTtl, maxAttempts, interceptor, keepPublished);
    }

    /** Keeping published messages this long. */
    public OutboxSpec withKeepPublished(Duration keepPublished) {
        return new OutboxSpec(partitions, pollInterval, leaseTtl, maxAttempts, interceptor, keepPublished);
    }

    /** Runs around each publication of the relay, in place of it: calls {@code real} to publish. */
    @FunctionalInterface
    public interface PublishInterceptor {

        /** Publishes as the relay would. */
        PublishInterceptor NONE = (topic, messages, real) -> real.run();

        /**
         * One publication of {@code messages} to {@code topic}.
         *
         * @throws Exception as the broker's client would fail
         */
        void publish(String topic, List<Message> messages, Publication real) throws Exception;
    }

    /** The real publication. */
    @FunctionalInterface
    public interface Publication {
        /** Publishes to the broker. */
        void run() throws Exception;
    }
}
