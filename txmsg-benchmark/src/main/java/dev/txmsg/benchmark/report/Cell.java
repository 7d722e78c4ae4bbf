package dev.txmsg.benchmark.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

import dev.txmsg.benchmark.load.Measurement;
import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * One scenario at one thread count over every round: each figure as a {@link Spread}, and ratios to
 * another scenario taken round by round (the two ran minutes apart at most, in the same round).
 *
 * @param scenario the scenario
 * @param threads  the thread count
 * @param samples  its measurements, one per round
 */
public record Cell(String scenario, int threads, List<Sample> samples) {

    /** Copies the samples. */
    public Cell {
        samples = List.copyOf(samples);
    }

    /** The cells of {@code samples}, sorted by thread count, then in the order of {@link Scenarios#NAMES}. */
    public static List<Cell> of(List<Sample> samples) {
        Map<String, List<Sample>> by = new LinkedHashMap<>();
        for (Sample s : samples) {
            by.computeIfAbsent(s.m().scenario() + "\u0000" + s.m().threads(), k -> new ArrayList<>()).add(s);
        }
        List<Cell> cells = new ArrayList<>();
        by.values().forEach(list -> cells.add(new Cell(list.get(0).m().scenario(), list.get(0).m().threads(), list)));
        cells.sort(Comparator.comparingInt(Cell::threads).thenComparingInt(c -> order(c.scenario())));
        return cells;
    }

    private static int order(String scenario) {
        int i = Scenarios.NAMES.indexOf(scenario);
        return i < 0 ? Integer.MAX_VALUE : i;
    }

    /** The cell of {@code scenario} at {@code threads}, if it ran. */
    public static Optional<Cell> find(List<Cell> cells, String scenario, int threads) {
        return cells.stream().filter(c -> c.scenario().equals(scenario) && c.threads() == threads).findFirst();
    }

    /** A figure of every round. */
    public Spread spread(ToDoubleFunction<Measurement> figure) {
        return Spread.of(samples.stream().mapToDouble(s -> figure.applyAsDouble(s.m())).toArray());
    }

    /** Successful operations per second. */
    public Spread throughput() {
        return spread(Measurement::throughput);
    }

    /** Latency at {@code percentile}, milliseconds. */
    public Spread latency(double percentile) {
        return spread(m -> m.latencyMillis(percentile));
    }

    /** CPU seconds of the benchmark JVM per 1,000 operations. */
    public Spread cpu() {
        return spread(Measurement::cpuSecondsPer1000);
    }

    /** Failed operations, all rounds. */
    public long errors() {
        return samples.stream().mapToLong(s -> s.m().errors()).sum();
    }

    /** The first error any round saw, or {@code null}. */
    public String firstError() {
        return samples.stream().map(s -> s.m().firstError()).filter(e -> e != null).findFirst().orElse(null);
    }

    /** This cell's figure divided by {@code other}'s, round by round (rounds that both ran). */
    public Spread ratio(Cell other, ToDoubleFunction<Measurement> figure) {
        List<Double> ratios = new ArrayList<>();
        for (Sample s : samples) {
            other.samples.stream().filter(o -> o.round() == s.round()).findFirst()
                .ifPresent(o -> ratios.add(figure.applyAsDouble(s.m()) / figure.applyAsDouble(o.m())));
        }
        return Spread.of(ratios.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
