package dev.txmsg.benchmark.load;

import org.HdrHistogram.Histogram;

/**
 * txmsg's end-to-end latency at one thread count: from the call to {@code send} to the consumer's receipt.
 *
 * @param mode       the sender's mode (half-message or outbox)
 * @param threads    the thread count
 * @param throughput sends per second while it was measured
 * @param sent       messages sent successfully in the measured window
 * @param latency    call-to-receipt latencies of the messages received, in nanoseconds
 */
public record EndToEndResult(String mode, int threads, double throughput, long sent, Histogram latency) {

    /** Messages received. */
    public long received() {
        return latency.getTotalCount();
    }

    /** Messages sent but not received within the patience. */
    public long missing() {
        return sent - received();
    }

    /** The latency at {@code percentile} in milliseconds, or NaN if nothing arrived. */
    public double latencyMillis(double percentile) {
        return received() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e6;
    }
}
