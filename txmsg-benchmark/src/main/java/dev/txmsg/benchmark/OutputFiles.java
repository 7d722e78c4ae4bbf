package dev.txmsg.benchmark;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The files a run writes into its output directory.
 *
 * @param markdown    {@code results.md}: setup, throughput and latency table, end-to-end latency, recovery time
 * @param matrixCsv   {@code results.csv}: one row per scenario and thread count
 * @param endToEndCsv {@code end-to-end.csv}: txmsg's call-to-receipt latency per thread count
 * @param recoveryCsv {@code recovery.csv}: one row per recovery sample
 * @param chart       {@code throughput.png}: throughput against threads, one line per scenario
 */
public record OutputFiles(Path markdown, Path matrixCsv, Path endToEndCsv, Path recoveryCsv, Path chart) {

    /** The files in {@code dir}. */
    public static OutputFiles in(Path dir) {
        return new OutputFiles(dir.resolve("results.md"), dir.resolve("results.csv"), dir.resolve("end-to-end.csv"),
            dir.resolve("recovery.csv"), dir.resolve("throughput.png"));
    }

    /** Every file. */
    public List<Path> all() {
        return List.of(markdown, matrixCsv, endToEndCsv, recoveryCsv, chart);
    }

    /** The files' names, for a progress line. */
    public String names() {
        return all().stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "));
    }
}
