package dev.txmsg.benchmark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.txmsg.benchmark.load.Measurement;
import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * One line of the throughput table: a measurement, its place in the run, and its ratios to
 * {@code unsafe-baseline} at the same thread count.
 *
 * @param run      the measurement's position in the run (1 = first), which the rotation varies
 * @param m        the measurement
 * @param baseline {@code unsafe-baseline} at the same thread count, or {@code null}
 */
public record MatrixRow(int run, Measurement m, Measurement baseline) {

    /** Rows for measurements given in run order, sorted by thread count and then scenario. */
    public static List<MatrixRow> of(List<Measurement> inRunOrder) {
        List<MatrixRow> rows = new ArrayList<>();
        for (int i = 0; i < inRunOrder.size(); i++) {
            Measurement m = inRunOrder.get(i);
            Measurement baseline = inRunOrder.stream()
                .filter(b -> b.threads() == m.threads() && b.scenario().equals(Scenarios.BASELINE))
                .findFirst().orElse(null);
            rows.add(new MatrixRow(i + 1, m, baseline));
        }
        rows.sort(Comparator.comparingInt((MatrixRow r) -> r.m().threads())
            .thenComparingInt(r -> Scenarios.NAMES.indexOf(r.m().scenario())));
        return rows;
    }

    /** Throughput divided by the baseline's. */
    public double throughputRatio() {
        return baseline == null ? Double.NaN : m.throughput() / baseline.throughput();
    }

    /** Latency at {@code percentile} divided by the baseline's. */
    public double latencyRatio(double percentile) {
        return baseline == null ? Double.NaN : m.latencyMillis(percentile) / baseline.latencyMillis(percentile);
    }
}
