package dev.txmsg.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.txmsg.benchmark.load.EndToEndResult;
import dev.txmsg.benchmark.load.Measurement;

/** The raw numbers: one CSV for the throughput matrix, one for the end-to-end latency, one for the recovery samples. */
public final class CsvReport {

    private CsvReport() {
    }

    /**
     * {@code results.csv}: one row per measurement (scenario, thread count and round), in the order
     * they ran; times in milliseconds, empty where there is none. Medians and spreads follow from it.
     */
    public static void writeMatrix(Results results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("scenario,threads,round,slot,run,ops,errors,seconds,ops_per_s,p50_ms,p99_ms,p999_ms,max_ms,cpu_s_per_1000_ops,"
            + "outbox_backlog_at_end,outbox_drain_ms");
        for (Sample s : results.matrix()) {
            Measurement m = s.m();
            lines.add(String.join(",", m.scenario(), Integer.toString(m.threads()), Integer.toString(s.round()),
                Integer.toString(s.slot()), Integer.toString(s.run()), Long.toString(m.ops()), Long.toString(m.errors()),
                Format.csv(m.seconds(), 3), Format.csv(m.throughput(), 1), Format.csv(m.latencyMillis(50), 3),
                Format.csv(m.latencyMillis(99), 3), Format.csv(m.latencyMillis(99.9), 3), Format.csv(m.latencyMillis(100), 3),
                Format.csv(m.cpuSecondsPer1000(), 4),
                s.backlog() == null ? "" : Long.toString(s.backlog().atWindowEnd()),
                s.backlog() == null ? "" : Long.toString(s.backlog().drain().toMillis())));
        }
        Files.write(file, lines);
    }

    /** {@code end-to-end.csv}: txmsg's call-to-receipt latency per mode and thread count. */
    public static void writeEndToEnd(Results results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("mode,threads,sends_per_s,sent,received,p50_ms,p99_ms,p999_ms,max_ms");
        for (EndToEndResult r : results.endToEnd()) {
            lines.add(String.join(",", r.mode(), Integer.toString(r.threads()), Format.csv(r.throughput(), 1), Long.toString(r.sent()),
                Long.toString(r.received()), Format.csv(r.latencyMillis(50), 3), Format.csv(r.latencyMillis(99), 3),
                Format.csv(r.latencyMillis(99.9), 3), Format.csv(r.latencyMillis(100), 3)));
        }
        Files.write(file, lines);
    }

    /** {@code recovery.csv}: one row per sample received, with the broker's check settings. */
    public static void writeRecovery(Results results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("sample,commit_to_receipt_ms,transaction_timeout_ms,check_interval_ms");
        String settings = results.broker().transactionTimeout().toMillis() + "," + results.broker().checkInterval().toMillis();
        for (int i = 0; i < results.recovery().samples().size(); i++) {
            lines.add((i + 1) + "," + Format.csv(results.recovery().samples().get(i).toNanos() / 1e6, 1) + "," + settings);
        }
        Files.write(file, lines);
    }
}
