package dev.txmsg.rocketmq;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.wire.Topics;

/**
 * How a sender sends and answers check-backs. Immutable; start from {@link #defaults()} and change
 * it with the {@code with...} methods.
 *
 * @param topics               topics it publishes to: their routes are fetched at start-up, so that a
 *                             restarted service receives the check-backs of its in-doubt messages before its first send
 * @param sendTimeout          timeout of the half-message send
 * @param overlapHalfSend      whether the half message is sent asynchronously, its round trip overlapping
 *                             the executor (it is stored before the commit either way)
 * @param checkThreads         threads answering check-backs (never the client's remoting threads)
 * @param checkQueueCapacity   check-backs waiting for a thread; beyond it they are dropped and the broker asks again
 * @param retention            how long the transaction log keeps rows, or {@code null} if kept forever: a
 *                             check-back for an older message that finds no row answers UNKNOWN rather than fencing
 * @param clockSkew            how far apart the clocks of the group's JVMs and the database's may be
 * @param inDoubtProbeInterval how often the in-doubt watcher asks whether {@code TRANS_CHECK_MAX_TIME_TOPIC} exists yet
 * @param maxMessages          the most messages one local transaction may publish (each is a half message of its
 *                             own), from 1 to {@link #MAX_MESSAGES_LIMIT}
 */
public record SenderOptions(List<String> topics, Duration sendTimeout, boolean overlapHalfSend, int checkThreads,
                            int checkQueueCapacity, Duration retention, Duration clockSkew, Duration inDoubtProbeInterval,
                            int maxMessages) {

    /**
     * The highest {@code maxMessages} allowed: the log rows of one transaction are written in one
     * statement, and MySQL takes at most 65,535 parameters in one (three per row).
     */
    public static final int MAX_MESSAGES_LIMIT = 10_000;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming the option, its value and what is allowed
     */
    public SenderOptions {
        topics = List.copyOf(topics);
        topics.forEach(Topics::requireValid);
        positive(sendTimeout, "sendTimeout");
        if (checkThreads < 1) {
            throw new IllegalArgumentException("checkThreads must be at least 1, was " + checkThreads);
        }
        if (checkQueueCapacity < 1) {
            throw new IllegalArgumentException("checkQueueCapacity must be at least 1, was " + checkQueueCapacity);
        }
        if (retention != null) {
            positive(retention, "retention");
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || (retention != null && clockSkew.compareTo(retention) >= 0)) {
            throw new IllegalArgumentException("clockSkew must be zero or more and below the retention, was " + clockSkew);
        }
        positive(inDoubtProbeInterval, "inDoubtProbeInterval");
        if (maxMessages < 1 || maxMessages > MAX_MESSAGES_LIMIT) {
            throw new IllegalArgumentException("maxMessages must be from 1 to " + MAX_MESSAGES_LIMIT + ", was " + maxMessages);
        }
    }

    /**
     * No declared topics, 3 s send timeout, overlapped half send, 4 check-back threads and 2,000
     * queued, rows kept forever, at most 100 messages per transaction.
     */
    public static SenderOptions defaults() {
        return new SenderOptions(List.of(), Duration.ofSeconds(3), true, 4, 2000, null, RetentionHorizon.DEFAULT_CLOCK_SKEW,
            Duration.ofSeconds(30), 100);
    }

    /** With these declared topics. */
    public SenderOptions withTopics(List<String> topics) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    /** With this half-send timeout. */
    public SenderOptions withSendTimeout(Duration sendTimeout) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    /** With the half send overlapping the executor, or awaited before the local transaction begins. */
    public SenderOptions withOverlapHalfSend(boolean overlapHalfSend) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    /** With this check-back pool. */
    public SenderOptions withCheckBackPool(int threads, int queueCapacity) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, threads, queueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    /** With the log's retention (rows purged after it) and the clock-skew margin. */
    public SenderOptions withRetention(Duration retention, Duration clockSkew) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    /** With this probe interval of the in-doubt watcher. */
    public SenderOptions withInDoubtProbeInterval(Duration interval) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            interval, maxMessages);
    }

    /** With this most messages per local transaction. */
    public SenderOptions withMaxMessages(int maxMessages) {
        return new SenderOptions(topics, sendTimeout, overlapHalfSend, checkThreads, checkQueueCapacity, retention, clockSkew,
            inDoubtProbeInterval, maxMessages);
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
        }
    }
}
