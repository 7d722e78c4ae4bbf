package dev.txmsg.rocketmq.consume;

/**
 * How txmsg's consumers consume. Immutable; start from {@link #defaults()}.
 *
 * @param threads         consume threads per consumer group
 * @param fromFirstOffset whether a brand-new consumer group starts from the oldest stored message
 *                        rather than from new ones (RocketMQ's default)
 */
public record ConsumerOptions(int threads, boolean fromFirstOffset) {

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public ConsumerOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("consumer threads must be at least 1, was " + threads);
        }
    }

    /** 8 threads per group; a new group starts from new messages. */
    public static ConsumerOptions defaults() {
        return new ConsumerOptions(8, false);
    }

    /** With this many consume threads per group. */
    public ConsumerOptions withThreads(int threads) {
        return new ConsumerOptions(threads, fromFirstOffset);
    }

    /** With new groups starting from the oldest stored message (true) or from new ones (false). */
    public ConsumerOptions withFromFirstOffset(boolean fromFirstOffset) {
        return new ConsumerOptions(threads, fromFirstOffset);
    }
}
