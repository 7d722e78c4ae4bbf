package dev.txmsg.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.txmsg.benchmark.db.DatabaseChoice;
import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * Issue #6: the benchmark runs end to end in short mode and writes every output file, with a row
 * for every scenario and thread count. It asserts nothing about speed. It runs on MariaDB when one
 * answers on 127.0.0.1:3306, otherwise on H2 with a message; under {@code CI=true} MariaDB is required.
 */
class BenchmarkSmokeTest {

    @Test
    void shortRunWritesEveryOutputWithARowPerScenarioAndThreadCount() throws Exception {
        Path out = Path.of("target", "benchmark-smoke");
        List<String> args = new ArrayList<>(List.of("--short", "--out", out.toString()));
        if (!mariaDbAnswers()) {
            args.addAll(List.of("--db", "h2"));
        }
        Options options = Options.parse(args.toArray(String[]::new));

        OutputFiles files = Benchmark.run(options);

        for (Path file : files.all()) {
            assertThat(file).exists().isNotEmptyFile();
        }
        List<String> rows = Files.readAllLines(files.matrixCsv());
        for (String scenario : Scenarios.NAMES) {
            for (int threads : options.threads()) {
                assertThat(rows).as("results.csv row for %s at %d threads", scenario, threads)
                    .anyMatch(row -> row.startsWith(scenario + "," + threads + ","));
            }
        }
        List<String> endToEnd = Files.readAllLines(files.endToEndCsv());
        assertThat(endToEnd).hasSize(1 + 2 * options.threads().size()); // both modes
        for (String mode : List.of("half-message", "outbox")) {
            for (int threads : options.threads()) {
                assertThat(endToEnd).as("end-to-end.csv row for %s at %d threads", mode, threads)
                    .anyMatch(row -> row.startsWith(mode + "," + threads + ","));
            }
        }
        assertThat(Files.readString(files.markdown())).contains("| " + Scenarios.BASELINE + " |", "Recovery",
            "## txmsg in outbox mode", "## Outbox relay drain");
    }

    /** Whether MariaDB answers where the benchmark looks by default; under CI=true its absence fails the test. */
    private static boolean mariaDbAnswers() {
        String url = DatabaseChoice.of(null, "root", "", Path.of("target")).url();
        try (Connection c = DriverManager.getConnection(url, "root", "")) {
            return c.isValid(5);
        } catch (SQLException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true requires MariaDB on 127.0.0.1:3306 (root, no password) for the "
                    + "benchmark smoke test, but it did not answer: " + e.getMessage() + ". Start it (.ci/run does).", e);
            }
            System.out.println("BenchmarkSmokeTest: MariaDB does not answer on 127.0.0.1:3306 (" + e.getMessage()
                + "); running the smoke test on H2 instead.");
            return false;
        }
    }
}
