package dev.txmsg.benchmark.scenario;

import java.util.List;

/**
 * The run's topics: one per scenario that sends, one for the end-to-end latency and one for the
 * recovery time, so that each consumer sees only what it measures. All have the same queue count.
 */
public final class Topics {

    /** Queues of every topic. */
    public static final int QUEUES = 8;

    static final String TXMSG = "BENCH_TXMSG";
    static final String TXMSG_IN_TX = "BENCH_TXMSG_IN_TX";
    static final String RAW = "BENCH_RAW_ROCKETMQ";
    static final String SPRING = "BENCH_ROCKETMQ_SPRING";
    static final String UNSAFE = "BENCH_UNSAFE_BASELINE";
    static final String SEND_ONLY = "BENCH_SEND_ONLY";
    static final String OUTBOX = "BENCH_TXMSG_OUTBOX";
    /** The end-to-end latency's topic in outbox mode. */
    public static final String END_TO_END_OUTBOX = "BENCH_END_TO_END_OUTBOX";
    /** The end-to-end latency's topic. */
    public static final String END_TO_END = "BENCH_END_TO_END";
    /** The outbox relay drain's topic. */
    public static final String DRAIN = "BENCH_RELAY_DRAIN";
    /** The recovery time's topic. */
    public static final String RECOVERY = "BENCH_RECOVERY";

    private Topics() {
    }

    /** Every topic of a run. */
    public static List<String> all() {
        return List.of(TXMSG, TXMSG_IN_TX, RAW, SPRING, UNSAFE, SEND_ONLY, OUTBOX, END_TO_END, END_TO_END_OUTBOX, DRAIN, RECOVERY);
    }
}
