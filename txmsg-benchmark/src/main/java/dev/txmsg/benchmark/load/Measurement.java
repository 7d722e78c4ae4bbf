package dev.txmsg.benchmark.load;

import org.HdrHistogram.Histogram;

/**
 * One closed-loop run of one scenario at one thread count: what was done in the measured window.
 *
 * @param scenario    the scenario's name
 * @param threads     the thread count
 * @param ops         operations begun in the window that succeeded
 * @param errors      operations begun in the window that failed
 * @param windowStart when the window began ({@link System#nanoTime()})
 * @param windowNanos the window's length
 * @param cpuNanos    CPU time the whole JVM used in the window
 * @param latency     latencies of the successful operations, in nanoseconds
 * @param firstError  the first failure seen (warm-up included), or {@code null}
 */
public record Measurement(String scenario, int threads, long ops, long errors, long windowStart, long windowNanos, long cpuNanos,
                          Histogram latency, String firstError) {

    /** Successful operations per second. */
    public double throughput() {
        return ops / (windowNanos / 1e9);
    }

    /** The latency at {@code percentile} (0 to 100) in milliseconds, or NaN without operations. */
    public double latencyMillis(double percentile) {
        return ops == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
    }

    /** CPU seconds the JVM used per 1,000 successful operations, or NaN without operations. */
    public double cpuSecondsPer1000() {
        return ops == 0 ? Double.NaN : cpuNanos / 1e9 / ops * 1000;
    }

    /** Whether {@code nanoTime} falls in the window. */
    public boolean inWindow(long nanoTime) {
        return nanoTime - windowStart >= 0 && nanoTime - windowStart < windowNanos;
    }

    /** The window's length in seconds. */
    public double seconds() {
        return windowNanos / 1e9;
    }
}
