package dev.txmsg.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * Issue #6: the benchmark runs end to end in short mode and writes every output file, with a row
 * for every scenario and thread count. It asserts nothing about speed. It runs on MariaDB when one
 * answers on 127.0.0.1:3306, otherwise on H2 with a message; under {@code CI=true} MariaDB is required.
 */
class BenchmarkSmokeTest {

    /** The server where the benchmark looks by default, without a database (none is created by asking). */
    private static final String SERVER = "jdbc:mysql://127.0.0.1:3306/?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000";

    @Test
    void shortRunWritesEveryOutputWithARowPerScenarioAndThreadCount() throws Exception {
        Path out = Path.of("target", "benchmark-smoke");
        List<String> args = new ArrayList<>(List.of("--short", "--out", out.toString()));
        // A database of its own (never a user's txmsg_bench, whose tables a run empties), dropped after.
        String database = "txmsg_test_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        boolean mariaDb = mariaDbAnswers();
        args.addAll(List.of("--db", mariaDb ? "jdbc:mysql://127.0.0.1:3306/" + database : "h2"));
        Options options = Options.parse(args.toArray(String[]::new));

        OutputFiles files;
        try {
            files = Benchmark.run(options);
        } finally {
            if (mariaDb) {
                dropMariaDb(database);
            }
        }

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

    private static void dropMariaDb(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER, "root", ""); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        }
    }

    /** Whether MariaDB answers where the benchmark looks by default; under CI=true its absence fails the test. */
    private static boolean mariaDbAnswers() {
        try (Connection c = DriverManager.getConnection(SERVER, "root", "")) {
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
