package dev.txmsg.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.rocketmq.common.MQVersion;

import dev.txmsg.benchmark.broker.BrokerAdmin;
import dev.txmsg.benchmark.broker.BrokerRuntime;
import dev.txmsg.benchmark.broker.BrokerSettings;
import dev.txmsg.benchmark.db.Database;
import dev.txmsg.benchmark.load.ClosedLoop;
import dev.txmsg.benchmark.load.EndToEnd;
import dev.txmsg.benchmark.load.EndToEndResult;
import dev.txmsg.benchmark.load.RelayDrain;
import dev.txmsg.benchmark.load.RelayDrainResult;
import dev.txmsg.benchmark.load.Measurement;
import dev.txmsg.benchmark.load.OrderIds;
import dev.txmsg.benchmark.load.Recovery;
import dev.txmsg.benchmark.load.RecoveryResult;
import dev.txmsg.benchmark.report.CsvReport;
import dev.txmsg.benchmark.report.Format;
import dev.txmsg.benchmark.report.Machine;
import dev.txmsg.benchmark.report.MarkdownReport;
import dev.txmsg.benchmark.report.Results;
import dev.txmsg.benchmark.report.RunSetup;
import dev.txmsg.benchmark.report.Sample;
import dev.txmsg.benchmark.report.ThroughputChart;
import dev.txmsg.benchmark.scenario.Payload;
import dev.txmsg.benchmark.scenario.RelayBacklog;
import dev.txmsg.benchmark.scenario.Scenario;
import dev.txmsg.benchmark.scenario.Scenarios;
import dev.txmsg.benchmark.scenario.Topics;

/**
 * The benchmark: every scenario against one broker, one database and one payload, at each thread
 * count, then txmsg's end-to-end latency, then its recovery time after a lost end-transaction.
 * Results go to stdout (Markdown) and to the output directory; progress goes to stderr.
 */
public final class Benchmark {

    /** Connections beyond the largest thread count: check-backs and the consumers' neighbours need a few. */
    private static final int SPARE_CONNECTIONS = 8;
    private static final long STARTED = System.nanoTime();

    private Benchmark() {
    }

    /** Runs from the command line; see {@link Options#usage()}. Exits 0 on success, 1 on failure, 2 on a bad option. */
    public static void main(String[] args) {
        if (Options.wantsHelp(args)) {
            System.out.print(Options.usage());
            return;
        }
        if (List.of(args).contains(Options.REPLOT)) {
            System.exit(replot(args));
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (BadOptionException e) {
            System.err.println("txmsg-benchmark: " + e.getMessage());
            System.err.print(Options.usage());
            System.exit(2);
            return;
        }
        // Before any RocketMQ class loads: RocksDB, inside an in-process broker, writes under user.home,
        // and RocketMQ's logging reads its configuration once.
        System.setProperty("user.home", options.out().toAbsolutePath().toString());
        System.setProperty("rmq.logback.configurationFile", "txmsg-benchmark-rocketmq.logback.xml");
        System.setProperty("java.awt.headless", "true");
        int status = 0;
        try {
            run(options);
        } catch (IllegalStateException e) {
            // The benchmark's own failures (database or broker unreachable) say what to do; no trace needed.
            System.err.println("txmsg-benchmark failed: " + e.getMessage());
            status = 1;
        } catch (Exception e) {
            System.err.println("txmsg-benchmark failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        // RocketMQ leaves non-daemon threads behind (Netty's, RocksDB's): exit explicitly.
        System.exit(status);
    }

    /** {@code --replot <dir>}: redraws the chart of an earlier run; returns the exit status. */
    private static int replot(String[] args) {
        if (args.length != 2 || !args[0].equals(Options.REPLOT)) {
            System.err.println("txmsg-benchmark: " + Options.REPLOT + " takes the output directory of an earlier run and no other option");
            System.err.print(Options.usage());
            return 2;
        }
        System.setProperty("java.awt.headless", "true");
        try {
            Path chart = ThroughputChart.replot(OutputFiles.in(Path.of(args[1])));
            System.err.println("txmsg-benchmark: redrew " + chart);
            return 0;
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("txmsg-benchmark: " + e.getMessage());
            return 1;
        }
    }

    /** Runs the whole benchmark, prints the Markdown report and writes the output files. */
    public static OutputFiles run(Options options) throws Exception {
        Path out = options.out().toAbsolutePath();
        Files.createDirectories(out);
        progress("preparing the database at " + options.database().displayUrl());
        try (Database database = Database.open(options.database(), options.maxThreads() + SPARE_CONNECTIONS);
             BrokerRuntime broker = startBroker(options, out, database)) {
            BrokerSettings settings;
            try (BrokerAdmin admin = BrokerAdmin.connect(broker.nameServer())) {
                admin.createTopics(Topics.all(), Topics.QUEUES);
                settings = admin.settings();
            }
            RunSetup setup = setup(options, database, broker, settings);
            setup.lines().forEach((label, text) -> progress(label + ": " + text));

            OrderIds orderIds = new OrderIds();
            ClosedLoop loop = new ClosedLoop(orderIds);
            DataSource dataSource = database.dataSource();
            List<Sample> matrix = matrix(loop, options, broker.nameServer(), database);
            progress("txmsg end to end");
            List<EndToEndResult> endToEnd = new EndToEnd(loop, broker.nameServer(), dataSource)
                .measure(options.threads(), options.warmup(), options.duration());
            progress("recovery after a lost end-transaction: " + options.recoverySamples() + " sample(s), each "
                + Format.seconds(settings.transactionTimeout()) + " to " + Format.seconds(settings.transactionTimeout()
                .plus(settings.checkInterval())) + " (the broker's transaction timeout, plus up to one check interval)");
            RecoveryResult recovery = new Recovery(orderIds, broker.nameServer(), dataSource)
                .measure(options.recoverySamples(), settings);

            RelayDrainResult drain = null;
            if (options.drainMessages() > 0) {
                progress("outbox relay drain: " + options.drainMessages() + " messages written with no relay running, then two relays");
                drain = new RelayDrain(broker.nameServer(), dataSource).measure(options.drainMessages());
                progress(String.format(Locale.ROOT, "drained in %s s: %s messages/s (relays: %s)",
                    Format.number(drain.drain().toMillis() / 1000.0, 2), Format.number(drain.rate(), 0), drain.perRelay()));
            }

            OutputFiles files = write(new Results(setup, matrix, endToEnd, recovery, settings, drain), out);
            progress("stopping the broker");
            return files;
        }
    }

    /** Starts the broker once the database is known to work: a database error then costs no broker start and stop. */
    private static BrokerRuntime startBroker(Options options, Path out, Database database) throws SQLException {
        database.prepareTables();
        progress("starting the broker (" + options.broker().mode().name().toLowerCase(Locale.ROOT).replace('_', '-') + ")");
        return BrokerRuntime.start(options.broker(), out);
    }

    /**
     * Every scenario at every thread count, in {@code rounds} rounds: within a thread count the
     * rounds follow each other, and each round starts the scenarios one place further on, so that no
     * scenario always runs first or last (where a drifting machine would favour or punish it). First
     * every scenario runs once unmeasured, so that the first measurement does not pay alone for
     * compiling the code all of them share (JDBC driver, RocketMQ client). Before each measurement the
     * tables are emptied, so that none inserts into tables its predecessors grew.
     */
    private static List<Sample> matrix(ClosedLoop loop, Options options, String nameServer, Database database)
        throws SQLException {
        List<Sample> samples = new ArrayList<>();
        List<Scenario> scenarios = Scenarios.start(nameServer, database.dataSource(), options.scenarios());
        int total = scenarios.size() * options.threads().size() * options.rounds();
        try {
            if (!options.warmup().isZero()) {
                progress("warming up: every scenario for " + Format.seconds(options.warmup()) + " at " + options.maxThreads()
                    + " threads, unmeasured");
                for (Scenario scenario : scenarios) {
                    loop.warmUp(scenario.name(), options.maxThreads(), options.warmup(), scenario::execute);
                }
            }
            int shift = 0;
            for (int threads : options.threads()) {
                for (int round = 1; round <= options.rounds(); round++) {
                    int slot = 0;
                    for (Scenario scenario : Scenarios.rotated(scenarios, shift++)) {
                        database.emptyTables();
                        Measurement m = loop.run(scenario.name(), threads, options.warmup(), options.duration(), scenario::execute);
                        RelayBacklog backlog = afterWindow(scenario);
                        samples.add(new Sample(round, ++slot, samples.size() + 1, m, backlog));
                        progress(String.format(Locale.ROOT, "[%d/%d] round %d %-16s %3d threads %8s ops/s  p50 %s ms  p99 %s ms%s%s",
                            samples.size(), total, round, m.scenario(), threads, Format.number(m.throughput(), 0),
                            Format.number(m.latencyMillis(50), 2), Format.number(m.latencyMillis(99), 2),
                            backlog == null ? "" : "  backlog " + backlog.atWindowEnd() + " (drained in "
                                + Format.number(backlog.drain().toMillis() / 1000.0, 2) + " s)",
                            m.errors() == 0 ? "" : "  " + m.errors() + " errors, first: " + m.firstError()));
                    }
                }
            }
        } finally {
            Scenarios.closeAll(scenarios);
        }
        return samples;
    }

    /** Lets a scenario finish what it left at the window's end (the outbox relay), outside the window. */
    private static RelayBacklog afterWindow(Scenario scenario) {
        try {
            return scenario.afterWindow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + scenario.name() + " finished its window", e);
        } catch (Exception e) {
            throw new IllegalStateException(scenario.name() + " could not finish its window: " + e.getMessage(), e);
        }
    }

    private static RunSetup setup(Options options, Database database, BrokerRuntime broker, BrokerSettings settings) throws Exception {
        Map<String, String> lines = new LinkedHashMap<>();
        lines.put("machine", Machine.hardware());
        lines.put("JVM", Machine.jvm());
        lines.put("OS", Machine.os());
        lines.put("database", database.describe());
        lines.put("broker", broker.description());
        lines.put("broker settings", Format.brokerSettings(settings));
        lines.put("clients", "RocketMQ client " + MQVersion.getVersionDesc(MQVersion.CURRENT_VERSION) + ", HikariCP pool of "
            + (options.maxThreads() + SPARE_CONNECTIONS) + " connections shared by all scenarios");
        lines.put("run", "threads " + options.threads().stream().map(String::valueOf).collect(Collectors.joining(", "))
            + "; " + options.rounds() + " round(s), in each every scenario at every thread count " + Format.seconds(options.warmup())
            + " warm-up, then " + Format.seconds(options.duration()) + " measured; " + Payload.BODY_BYTES + "-byte body, one order row per "
            + "operation; tables emptied before each measurement; scenario order moved one place per round; started "
            + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        return new RunSetup(lines, options.quick());
    }

    private static OutputFiles write(Results results, Path out) throws IOException {
        OutputFiles files = OutputFiles.in(out);
        String markdown = MarkdownReport.render(results);
        Files.writeString(files.markdown(), markdown);
        CsvReport.writeMatrix(results, files.matrixCsv());
        CsvReport.writeEndToEnd(results, files.endToEndCsv());
        CsvReport.writeRecovery(results, files.recoveryCsv());
        ThroughputChart.write(results, files.chart());
        System.out.print(markdown);
        System.out.flush();
        progress("wrote " + files.names() + " in " + out);
        return files;
    }

    private static void progress(String text) {
        long seconds = (System.nanoTime() - STARTED) / 1_000_000_000L;
        System.err.printf(Locale.ROOT, "txmsg-benchmark %3d s: %s%n", seconds, text);
    }
}
