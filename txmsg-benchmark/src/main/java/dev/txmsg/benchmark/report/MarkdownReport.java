package dev.txmsg.benchmark.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
        throughput(md, results.rows());
        endToEnd(md, results.endToEnd());
        recovery(md, results);
        return md.toString();
    }

    private static void setup(StringBuilder md, Map<String, String> lines) {
        md.append("| | |\n| --- | --- |\n");
        lines.forEach((label, text) -> md.append("| ").append(label).append(" | ").append(text).append(" |\n"));
        md.append('\n');
    }

    private static void throughput(StringBuilder md, List<MatrixRow> rows) {
        md.append("## Throughput and latency\n\n")
            .append("Closed loop. Ratios are to `").append(Scenarios.BASELINE).append("` at the same thread count (ops/s: higher ")
            .append("is better; latency: lower is better). CPU: CPU seconds of the benchmark JVM per 1,000 operations. ")
            .append("Run: the measurement's place in the run.\n\n")
            .append("| scenario | threads | ops/s | p50 ms | p99 ms | p99.9 ms | ops/s vs baseline | p50 vs baseline ")
            .append("| p99 vs baseline | CPU s / 1k ops | errors | run |\n")
            .append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (MatrixRow r : rows) {
            Measurement m = r.m();
            md.append("| ").append(m.scenario())
                .append(" | ").append(m.threads())
                .append(" | ").append(Format.number(m.throughput(), 0))
                .append(" | ").append(Format.number(m.latencyMillis(50), 2))
                .append(" | ").append(Format.number(m.latencyMillis(99), 2))
                .append(" | ").append(Format.number(m.latencyMillis(99.9), 2))
                .append(" | ").append(Format.number(r.throughputRatio(), 2))
                .append(" | ").append(Format.number(r.latencyRatio(50), 2))
                .append(" | ").append(Format.number(r.latencyRatio(99), 2))
                .append(" | ").append(Format.number(m.cpuSecondsPer1000(), 3))
                .append(" | ").append(m.errors())
                .append(" | ").append(r.run())
                .append(" |\n");
        }
        md.append('\n');
        for (MatrixRow r : rows) {
            if (r.m().firstError() != null) {
                md.append("- ").append(r.m().scenario()).append(" at ").append(r.m().threads()).append(" threads, first error: `")
                    .append(r.m().firstError().replace('`', '\'').replace('\n', ' ')).append("`\n");
            }
        }
        if (rows.stream().anyMatch(r -> r.m().firstError() != null)) {
            md.append('\n');
        }
    }

    private static void endToEnd(StringBuilder md, List<EndToEndResult> results) {
        md.append("## txmsg end to end\n\n")
            .append("From the call to `send` to a push consumer's receipt (same JVM clock), measured apart from the table ")
            .append("above so that the consumer does not weigh on it.\n\n")
            .append("| threads | sends/s | messages | p50 ms | p99 ms | missing |\n")
            .append("| ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (EndToEndResult r : results) {
            md.append("| ").append(r.threads())
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

    private static double median(List<Duration> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? seconds(sorted.get(n / 2)) : (seconds(sorted.get(n / 2 - 1)) + seconds(sorted.get(n / 2))) / 2;
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }
}
