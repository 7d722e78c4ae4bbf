package dev.txmsg.benchmark.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.txmsg.benchmark.load.EndToEndResult;
import dev.txmsg.benchmark.load.Measurement;
import dev.txmsg.benchmark.load.RecoveryResult;
import dev.txmsg.benchmark.scenario.Scenarios;

/** The results as Markdown: setup, throughput and latency table, end-to-end latency, recovery time. */
public final class MarkdownReport {

    /** The line that marks a short run's report. */
    static final String SHORT_MODE_NOTE = "**Short mode (smoke run): too short to compare anything; these numbers are not results.**";

    private MarkdownReport() {
    }

    /** Renders {@code results}. */
    public static String render(Results results) {
        StringBuilder md = new StringBuilder("# txmsg benchmark\n\n");
        if (results.setup().quick()) {
            md.append(SHORT_MODE_NOTE).append("\n\n");
        }
        setup(md, results.setup().lines());
        throughput(md, results.cells());
        endToEnd(md, results.endToEnd());
        recovery(md, results);
        drain(md, results);
        return md.toString();
    }

    private static void setup(StringBuilder md, Map<String, String> lines) {
        md.append("| | |\n| --- | --- |\n");
        lines.forEach((label, text) -> md.append("| ").append(label).append(" | ").append(text).append(" |\n"));
        md.append('\n');
    }

    private static void throughput(StringBuilder md, List<Cell> cells) {
        int rounds = cells.stream().mapToInt(c -> c.samples().size()).max().orElse(0);
        md.append("## Throughput and latency\n\n")
            .append("Closed loop, ").append(rounds).append(rounds == 1 ? " round" : " rounds")
            .append(" per scenario and thread count, interleaved (every round runs each scenario once, in an order that moves ")
            .append("from round to round). Each figure: the median of the rounds, with their range in brackets. Ratios are to `")
            .append(Scenarios.BASELINE).append("` at the same thread count, taken round by round (ops/s: higher is better; ")
            .append("latency: lower is better). CPU: CPU seconds of the benchmark JVM per 1,000 operations.\n\n")
            .append("| scenario | threads | ops/s | p50 ms | p99 ms | p99.9 ms | ops/s vs baseline | p50 vs baseline ")
            .append("| CPU s / 1k ops | errors |\n")
            .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Cell c : cells) {
            Cell baseline = Cell.find(cells, Scenarios.BASELINE, c.threads()).orElse(null);
            md.append("| ").append(c.scenario())
                .append(" | ").append(c.threads())
                .append(" | ").append(c.throughput().format(0))
                .append(" | ").append(c.latency(50).format(2))
                .append(" | ").append(c.latency(99).format(2))
                .append(" | ").append(c.latency(99.9).format(2))
                .append(" | ").append(baseline == null ? "—" : c.ratio(baseline, Measurement::throughput).format(2))
                .append(" | ").append(baseline == null ? "—" : c.ratio(baseline, m -> m.latencyMillis(50)).format(2))
                .append(" | ").append(c.cpu().format(3))
                .append(" | ").append(c.errors())
                .append(" |\n");
        }
        md.append('\n');
        for (Cell c : cells) {
            if (c.firstError() != null) {
                md.append("- ").append(c.scenario()).append(" at ").append(c.threads()).append(" threads, first error: `")
                    .append(c.firstError().replace('`', '\'').replace('\n', ' ')).append("`\n");
            }
        }
        if (cells.stream().anyMatch(c -> c.firstError() != null)) {
            md.append('\n');
        }
        verdicts(md, cells);
        outbox(md, cells);
    }

    /**
     * Outbox mode against the baseline and the half-message mode, and whether its relay kept up: a
     * window counts as kept up when what waited at its end was under one second of its sends.
     */
    private static void outbox(StringBuilder md, List<Cell> cells) {
        List<Cell> outbox = cells.stream().filter(c -> c.scenario().equals(Scenarios.OUTBOX)).toList();
        if (outbox.isEmpty()) {
            return;
        }
        md.append("## txmsg in outbox mode\n\n")
            .append("`").append(Scenarios.OUTBOX).append("` against `").append(Scenarios.BASELINE).append("` and `")
            .append(Scenarios.TXMSG).append("` (half messages), round by round. The relay publishes after the commit: ")
            .append("after each of its windows the messages still waiting were counted and drained before the next ")
            .append("measurement. Kept up: rounds whose backlog at the window's end was under one second of sends.\n\n")
            .append("| threads | kept up | backlog at end | drain s | ops/s vs baseline | p50 vs baseline | ops/s vs txmsg | verdict vs baseline |\n")
            .append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
        for (Cell c : outbox) {
            long keptUp = c.samples().stream().filter(s -> s.backlog() != null && s.backlog().keptUp(s.m().throughput())).count();
            Spread backlog = Spread.of(c.samples().stream().filter(s -> s.backlog() != null)
                .mapToDouble(s -> s.backlog().atWindowEnd()).toArray());
            Spread drain = Spread.of(c.samples().stream().filter(s -> s.backlog() != null)
                .mapToDouble(s -> s.backlog().drain().toMillis() / 1000.0).toArray());
            Optional<Cell> baseline = Cell.find(cells, Scenarios.BASELINE, c.threads());
            Optional<Cell> txmsg = Cell.find(cells, Scenarios.TXMSG, c.threads());
            md.append("| ").append(c.threads())
                .append(" | ").append(keptUp).append(" of ").append(c.samples().size())
                .append(" | ").append(backlog.format(0))
                .append(" | ").append(drain.format(2))
                .append(" | ").append(baseline.map(b -> c.ratio(b, Measurement::throughput).format(2)).orElse("—"))
                .append(" | ").append(baseline.map(b -> c.ratio(b, m -> m.latencyMillis(50)).format(2)).orElse("—"))
                .append(" | ").append(txmsg.map(t -> c.ratio(t, Measurement::throughput).format(2)).orElse("—"))
                .append(" | ").append(baseline.map(b -> c.throughput().verdict(b.throughput(), true)).orElse("—"))
                .append(" |\n");
        }
        md.append('\n');
    }

    /**
     * txmsg against its peers and the baseline: the ratio's median and range over the rounds, and a
     * verdict that says ahead or behind only where the two scenarios' ranges do not overlap.
     */
    private static void verdicts(StringBuilder md, List<Cell> cells) {
        List<Integer> threads = cells.stream().map(Cell::threads).distinct().sorted().toList();
        md.append("## txmsg against its peers\n\n")
            .append("Ratio: txmsg's figure divided by the other's, round by round (median, range). Verdict: *ahead* or *behind* ")
            .append("only where the two scenarios' ranges over the rounds do not overlap; otherwise *level*.\n\n")
            .append("| threads | compared with | figure | ratio | verdict |\n| ---: | --- | --- | ---: | --- |\n");
        for (int t : threads) {
            Optional<Cell> txmsg = Cell.find(cells, Scenarios.TXMSG, t);
            if (txmsg.isEmpty()) {
                continue;
            }
            for (String peer : Scenarios.PEERS) {
                Cell.find(cells, peer, t).ifPresent(p -> {
                    compare(md, t, txmsg.get(), p, "ops/s", Measurement::throughput, true);
                    compare(md, t, txmsg.get(), p, "p99", m -> m.latencyMillis(99), false);
                    compare(md, t, txmsg.get(), p, "CPU per op", Measurement::cpuSecondsPer1000, false);
                });
            }
            Cell.find(cells, Scenarios.BASELINE, t).ifPresent(b -> {
                compare(md, t, txmsg.get(), b, "ops/s", Measurement::throughput, true);
                compare(md, t, txmsg.get(), b, "p50", m -> m.latencyMillis(50), false);
            });
            Cell.find(cells, Scenarios.SEVERAL, t).ifPresent(several -> {
                Spread ratio = several.ratio(txmsg.get(), m -> m.latencyMillis(50));
                md.append("| ").append(t).append(" | `").append(Scenarios.SEVERAL).append("` against `").append(Scenarios.TXMSG)
                    .append("` | p50 (three messages / one) | ").append(ratio.format(2)).append(" | ")
                    .append(withinOneAndAHalf(ratio)).append(" |\n");
            });
        }
        md.append('\n');
    }

    /** The several-message send's target: its p50 within 1.5 times the one-message send's. */
    private static String withinOneAndAHalf(Spread ratio) {
        if (!ratio.present()) {
            return "—";
        }
        if (ratio.max() <= 1.5) {
            return "within 1.5 × in every round";
        }
        if (ratio.min() > 1.5) {
            return "over 1.5 × in every round";
        }
        return "median " + (ratio.median() <= 1.5 ? "within" : "over") + " 1.5 ×, rounds on both sides";
    }

    private static void compare(StringBuilder md, int threads, Cell txmsg, Cell other, String figure,
                                java.util.function.ToDoubleFunction<Measurement> value, boolean higherIsBetter) {
        Spread ratio = txmsg.ratio(other, value);
        md.append("| ").append(threads).append(" | `").append(other.scenario()).append("` | ").append(figure).append(" | ")
            .append(ratio.format(2)).append(" | ").append(txmsg.spread(value).verdict(other.spread(value), higherIsBetter))
            .append(" |\n");
    }

    private static void endToEnd(StringBuilder md, List<EndToEndResult> results) {
        md.append("## txmsg end to end\n\n")
            .append("From the call to `send` to a push consumer's receipt (same JVM clock), measured apart from the table ")
            .append("above so that the consumer does not weigh on it.\n\n")
            .append("| mode | threads | sends/s | messages | p50 ms | p99 ms | missing |\n")
            .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (EndToEndResult r : results) {
            md.append("| ").append(r.mode()).append(" | ").append(r.threads())
                .append(" | ").append(Format.number(r.throughput(), 0))
                .append(" | ").append(r.sent())
                .append(" | ").append(Format.number(r.latencyMillis(50), 2))
                .append(" | ").append(Format.number(r.latencyMillis(99), 2))
                .append(" | ").append(r.missing())
                .append(" |\n");
        }
        md.append('\n');
    }

    private static void recovery(StringBuilder md, Results results) {
        RecoveryResult r = results.recovery();
        md.append("## Recovery after a lost end-transaction\n\n")
            .append("A txmsg producer commits locally, its end-transaction is lost and it stops; a new producer of the same ")
            .append("group (sending nothing, topic declared) answers the broker's check-back from the transaction log. ")
            .append("Time from the local commit to a consumer's receipt. Broker: ").append(Format.brokerSettings(results.broker()))
            .append(". The broker checks half messages older than the transaction timeout once per check interval, ")
            .append("so expect about the timeout to the timeout plus one interval, plus the delivery.\n\n")
            .append("| sample | commit → receipt s |\n| ---: | ---: |\n");
        for (int i = 0; i < r.samples().size(); i++) {
            md.append("| ").append(i + 1).append(" | ").append(Format.number(seconds(r.samples().get(i)), 2)).append(" |\n");
        }
        md.append('\n');
        if (!r.samples().isEmpty()) {
            List<Duration> sorted = new ArrayList<>(r.samples());
            sorted.sort(Comparator.naturalOrder());
            md.append("Min ").append(Format.number(seconds(sorted.get(0)), 2))
                .append(" s, median ").append(Format.number(median(sorted), 2))
                .append(" s, max ").append(Format.number(seconds(sorted.get(sorted.size() - 1)), 2)).append(" s.");
        }
        if (r.lost() > 0) {
            md.append(" **").append(r.lost()).append(" message(s) did not arrive within ")
                .append(Format.number(seconds(r.patience()), 0)).append(" s.**");
        }
        md.append('\n');
    }

    private static void drain(StringBuilder md, Results results) {
        dev.txmsg.benchmark.load.RelayDrainResult d = results.drain();
        if (d == null) {
            return;
        }
        md.append("\n## Outbox relay drain\n\n")
            .append(String.format(java.util.Locale.ROOT, "%,d messages (1,000 keys, 100 per local transaction) written in %s s while no relay ran; ",
                d.messages(), Format.number(d.written().toMillis() / 1000.0, 1)))
            .append(d.relays()).append(" relays of the group (default options) then started together: the outbox was empty after ")
            .append(Format.number(d.drain().toMillis() / 1000.0, 2)).append(" s, **").append(Format.number(d.rate(), 0))
            .append(" messages/s**; published per relay: ").append(d.perRelay()).append(" (copies after a failure included).\n");
    }

    private static double median(List<Duration> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? seconds(sorted.get(n / 2)) : (seconds(sorted.get(n / 2 - 1)) + seconds(sorted.get(n / 2))) / 2;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
