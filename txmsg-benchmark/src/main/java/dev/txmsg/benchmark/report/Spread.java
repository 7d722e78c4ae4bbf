package dev.txmsg.benchmark.report;

import java.util.Arrays;

/**
 * A figure over several rounds: its median and the range it moved in. Two figures are told apart
 * only where their ranges do not overlap; otherwise they are level.
 *
 * @param median the median of the rounds
 * @param min    the lowest round
 * @param max    the highest round
 * @param rounds how many rounds gave a value
 */
public record Spread(double median, double min, double max, int rounds) {

    /** The spread of {@code values}, NaN values left out; all NaN if none is left. */
    public static Spread of(double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d) && !Double.isInfinite(d)).sorted().toArray();
        if (v.length == 0) {
            return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
        }
        int n = v.length;
        double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        return new Spread(median, v[0], v[n - 1], n);
    }

    /** Whether there is a value. */
    public boolean present() {
        return rounds > 0;
    }

    /**
     * How this figure compares with {@code other}'s: {@code ahead} or {@code behind} only where the
     * ranges do not overlap, else {@code level}.
     *
     * @param higherIsBetter whether a larger value is the better one (throughput), or a smaller (latency, CPU)
     */
    public String verdict(Spread other, boolean higherIsBetter) {
        if (!present() || !other.present()) {
            return "—";
        }
        if (min > other.max) {
            return higherIsBetter ? "ahead" : "behind";
        }
        if (max < other.min) {
            return higherIsBetter ? "behind" : "ahead";
        }
        return "level";
    }

    /** {@code median (min–max)}, or the median alone for a single round. */
    public String format(int decimals) {
        if (!present()) {
            return "—";
        }
        String m = Format.number(median, decimals);
        return rounds == 1 ? m : m + " (" + Format.number(min, decimals) + "–" + Format.number(max, decimals) + ")";
    }
}
