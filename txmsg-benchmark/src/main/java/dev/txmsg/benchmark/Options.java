package dev.txmsg.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.txmsg.benchmark.broker.BrokerChoice;
import dev.txmsg.benchmark.db.DatabaseChoice;
import dev.txmsg.benchmark.scenario.Scenarios;

/**
 * What one invocation runs, read from the command line. Every option has a default; {@code --short}
 * changes the defaults of the options not given (threads, warm-up, duration, recovery samples and
 * the check settings of a broker the benchmark starts).
 *
 * @param threads         thread counts, each run for every scenario
 * @param warmup          unmeasured time before each measurement
 * @param duration        measured time of each scenario and thread count in each round
 * @param rounds          how many times every scenario runs at every thread count, in a new order each round
 * @param scenarios       the scenarios to run, in the order of {@link Scenarios#NAMES} (all of them by default)
 * @param database        where the orders go
 * @param broker          which broker the clients talk to
 * @param recoverySamples how many lost end-transactions to time
 * @param drainMessages   how many outbox messages the relay drain writes and times (0: no drain)
 * @param out             the output directory
 * @param quick           whether {@code --short} was given (printed with the results)
 */
public record Options(List<Integer> threads, Duration warmup, Duration duration, int rounds, List<String> scenarios,
                      DatabaseChoice database,
                      BrokerChoice broker, int recoverySamples, int drainMessages, Path out, boolean quick) {

    /** Redraws an earlier run's chart from its results.csv instead of running: {@code --replot <dir>}. */
    static final String REPLOT = "--replot";
    static final List<Integer> FULL_THREADS = List.of(1, 4, 16, 64);
    static final List<Integer> SHORT_THREADS = List.of(1, 4);
    private static final int MAX_THREADS = 512;
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

    /** The usage text, printed with {@code --help} and after a bad option. */
    public static String usage() {
        return """
            usage: java -jar txmsg-benchmark-<version>-all.jar [options]
              --threads 1,4,16,64     thread counts (closed loop), each run for every scenario
              --warmup 2s             unmeasured time before each measurement (ms, s or m; 0s for none)
              --duration 8s           measured time per scenario, thread count and round
              --rounds 5              rounds: every scenario at every thread count once per round, the
                                      order of the scenarios moved one place each round; the report
                                      gives the median and the range (min-max) over the rounds
              --scenarios a,b         only these scenarios (default: all; names as in the report), to
                                      profile one or compare two
              --db <jdbc-url>|h2      MySQL/MariaDB URL (default jdbc:mysql://127.0.0.1:3306/txmsg_bench,
                                      created if missing), PostgreSQL URL (jdbc:postgresql://host:port/db,
                                      created if missing) or h2 for an embedded H2 in the output directory
              --db-user root          database user (default root; postgres on PostgreSQL)
              --db-password ''        database password (default empty)
              --broker in-process     in-process (same JVM) or external (the local broker jar as a child JVM)
              --broker-jar <path>     the local broker jar for --broker external (default: found in
                                      txmsg-test/target or the local Maven repository)
              --name-server host:port use an existing RocketMQ cluster instead of starting a broker
              --transaction-timeout 6s  broker transactionTimeOut, for a broker the benchmark starts
              --check-interval 5s     broker transactionCheckInterval, for a broker the benchmark starts
              --recovery-samples 5    lost end-transactions to time
              --drain-messages 100000 outbox messages written with no relay running, then published by two
                                      relays, timed (0: skip)
              --out target/benchmark  output directory
              --short                 smoke run: threads 1,4, warm-up 1s, duration 2s, 1 round, 2 recovery samples,
                                      transaction timeout 3s, check interval 1s
              --help                  this text
            or: java -jar txmsg-benchmark-<version>-all.jar --replot <dir>
                                      redraw <dir>/throughput.png from <dir>/results.csv of an earlier run
            """;
    }

    /**
     * Reads the command line.
     *
     * @throws BadOptionException naming the option and what it allows
     */
    public static Options parse(String... args) {
        Map<String, String> given = new HashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--short")) {
                quick = true;
                continue;
            }
            if (!name.startsWith("--")) {
                throw new BadOptionException("unexpected argument '" + name + "': options start with --");
            }
            if (i + 1 >= args.length) {
                throw new BadOptionException(name + " needs a value");
            }
            if (given.put(name, args[++i]) != null) {
                throw new BadOptionException(name + " is given twice");
            }
        }
        return new Reader(given).read(quick);
    }

    /** Turns the given name/value pairs into options; each value is read once and checked. */
    private static final class Reader {
        private final Map<String, String> given;

        Reader(Map<String, String> given) {
            this.given = new HashMap<>(given);
        }

        Options read(boolean quick) {
            List<Integer> threads = threads(take("--threads", null), quick ? SHORT_THREADS : FULL_THREADS);
            Duration warmup = duration("--warmup", take("--warmup", quick ? "1s" : "2s"), true);
            Duration duration = duration("--duration", take("--duration", quick ? "2s" : "8s"), false);
            int rounds = positive("--rounds", take("--rounds", quick ? "1" : "5"));
            List<String> scenarios = scenarios(take("--scenarios", null));
            int samples = positive("--recovery-samples", take("--recovery-samples", quick ? "2" : "5"));
            int drain = zeroOrMore("--drain-messages", take("--drain-messages", quick ? "2000" : "100000"));
            Path out = Path.of(take("--out", "target/benchmark"));
            DatabaseChoice database;
            BrokerChoice broker;
            try {
                database = DatabaseChoice.of(take("--db", null), take("--db-user", null), take("--db-password", ""), out);
                broker = broker(quick);
            } catch (BadOptionException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new BadOptionException(e.getMessage());
            }
            if (!given.isEmpty()) {
                throw new BadOptionException("unknown option " + given.keySet().iterator().next());
            }
            return new Options(threads, warmup, duration, rounds, scenarios, database, broker, samples, drain, out, quick);
        }

        /**
         * Check settings of a broker the benchmark starts: RocketMQ's transaction timeout (6 s) and a
         * check interval of 5 s (RocketMQ: 30 s), so that a recovery sample takes seconds, not half a
         * minute; in short mode txmsg-test's quick test settings (3 s, 1 s).
         */
        private BrokerChoice broker(boolean quick) {
            String mode = take("--broker", null);
            String nameServer = take("--name-server", null);
            String jar = take("--broker-jar", null);
            String timeoutText = take("--transaction-timeout", null);
            String intervalText = take("--check-interval", null);
            if (nameServer != null) {
                if (mode != null || jar != null || timeoutText != null || intervalText != null) {
                    throw new BadOptionException("--name-server uses an existing cluster with its own settings; it cannot "
                        + "be combined with --broker, --broker-jar, --transaction-timeout or --check-interval");
                }
                if (!nameServer.matches("[^\\s:;]+:\\d{1,5}(;[^\\s:;]+:\\d{1,5})*")) {
                    throw new BadOptionException("--name-server: '" + nameServer + "' is not host:port (or host:port;host:port)");
                }
                return BrokerChoice.cluster(nameServer);
            }
            Duration timeout = duration("--transaction-timeout", timeoutText != null ? timeoutText : quick ? "3s" : "6s", false);
            Duration interval = duration("--check-interval", intervalText != null ? intervalText : quick ? "1s" : "5s", false);
            if (timeout.compareTo(BrokerChoice.OP_BATCH_INTERVAL.multipliedBy(2)) <= 0) {
                throw new BadOptionException("--transaction-timeout must be above " + BrokerChoice.OP_BATCH_INTERVAL.multipliedBy(2)
                    .toMillis() + "ms, twice the broker's op batch interval: below that the broker checks back committed "
                    + "messages and delivers them twice");
            }
            if (mode == null || mode.equals("in-process")) {
                if (jar != null) {
                    throw new BadOptionException("--broker-jar only applies to --broker external");
                }
                return BrokerChoice.inProcess(timeout, interval);
            }
            if (mode.equals("external")) {
                return BrokerChoice.external(timeout, interval, jar == null ? null : Path.of(jar));
            }
            throw new BadOptionException("--broker: '" + mode + "' is not a broker mode; use in-process or external "
                + "(or --name-server host:port for an existing cluster)");
        }

        private String take(String name, String fallback) {
            String value = given.remove(name);
            return value == null ? fallback : value;
        }
    }

    /** The scenarios named in {@code text} (comma-separated), in the report's order; all of them if {@code null}. */
    static List<String> scenarios(String text) {
        if (text == null) {
            return Scenarios.NAMES;
        }
        List<String> named = List.of(text.split(",", -1));
        for (String name : named) {
            if (!Scenarios.NAMES.contains(name)) {
                throw new BadOptionException("--scenarios: '" + name + "' is not a scenario; the scenarios are "
                    + String.join(", ", Scenarios.NAMES));
            }
        }
        return Scenarios.NAMES.stream().filter(named::contains).toList();
    }

    static List<Integer> threads(String text, List<Integer> fallback) {
        if (text == null) {
            return fallback;
        }
        List<Integer> counts = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            int n;
            try {
                n = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > MAX_THREADS) {
                throw new BadOptionException("--threads: '" + part + "' is not a thread count; give whole numbers from 1 to "
                    + MAX_THREADS + " separated by commas, e.g. 1,4,16,64");
            }
            if (counts.contains(n)) {
                throw new BadOptionException("--threads: " + n + " is given twice");
            }
            counts.add(n);
        }
        return List.copyOf(counts);
    }

    /** Reads {@code 500ms}, {@code 20s} or {@code 1m}. */
    static Duration duration(String option, String text, boolean zeroAllowed) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new BadOptionException(option + ": '" + text + "' is not a duration; write it like 500ms, 20s or 1m");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new BadOptionException(option + ": '" + text + "' is too long");
        }
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
        if (d.isZero() && !zeroAllowed) {
            throw new BadOptionException(option + " must be longer than zero");
        }
        return d;
    }

    private static int positive(String option, String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOptionException(option + ": '" + text + "' is not a whole number of at least 1");
    }

    private static int zeroOrMore(String option, String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadOptionException(option + ": '" + text + "' is not a whole number of at least 0");
    }

    /** Whether the command line asks for the usage text. */
    public static boolean wantsHelp(String... args) {
        return List.of(args).contains("--help") || List.of(args).contains("-h");
    }

    /** The largest thread count. */
    public int maxThreads() {
        return threads.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
