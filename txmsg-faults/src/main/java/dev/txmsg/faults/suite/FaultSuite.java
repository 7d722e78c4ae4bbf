package dev.txmsg.faults.suite;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.demo.Http;
import dev.txmsg.demo.SampleJars;

/**
 * Crashes every step of the protocol, many times, and checks that nothing is lost, phantom or
 * applied twice. Runs the sample services as child JVMs on MariaDB with the standalone broker
 * (also a child JVM; with {@code --brokers 2}, a name server and two broker groups, each a JVM), places orders through their REST API and injects F1 to F14 (those of the services' sending mode)
 * ({@link FaultCase}); after each iteration it reads both databases ({@link Invariants}).
 *
 * <pre>
 * java -jar txmsg-faults/target/txmsg-faults-0.1.0-SNAPSHOT-all.jar [--iterations 20] [--orders 20]
 *      [--faults F1,F2,...] [--seed N] [--out target/faults] [--namespace NS] [--audit-events]
 *      [--mode half-message|outbox] [--db mariadb|postgresql] [--brokers 2]
 * </pre>
 * Writes {@code report.md} to the output directory; keeps the databases and the logs of a run that
 * found an inconsistency. Exits 1 if it found one.
 */
public final class FaultSuite {

    private static final int THREADS = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private FaultSuite() {
    }

    /** The settings of a run. */
    record Settings(int iterations, int orders, List<FaultCase> faults, long seed, Path out, String namespace,
                    boolean auditEvents, String mode, Databases.Server db, int brokers) {

        /** Settings with one broker. */
        Settings(int iterations, int orders, List<FaultCase> faults, long seed, Path out, String namespace,
                 boolean auditEvents, String mode, Databases.Server db) {
            this(iterations, orders, faults, seed, out, namespace, auditEvents, mode, db, 1);
        }

        /** The settings with another database server. */
        Settings on(Databases.Server server) {
            return new Settings(iterations, orders, faults, seed, out, namespace, auditEvents, mode, server, brokers);
        }

        static Settings parse(String[] args) {
            int iterations = 20;
            int orders = 20;
            List<FaultCase> faults = null;
            String mode = "half-message";
            long seed = System.nanoTime();
            Path out = Path.of("target", "faults");
            String namespace = null;
            boolean auditEvents = false;
            Databases.Server db = Databases.Server.MARIADB;
            int brokers = 1;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--audit-events")) {
                    auditEvents = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--iterations" -> iterations = positive(option, value);
                    case "--orders" -> orders = Math.max(4, positive(option, value));
                    case "--faults" -> faults = Arrays.stream(value.split(",")).map(String::trim).map(f -> {
                        try {
                            return FaultCase.valueOf(f);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException("--faults: unknown fault " + f + "; use F1 to F" + FaultCase.values().length);
                        }
                    }).toList();
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--mode" -> {
                        if (!value.equals("half-message") && !value.equals("outbox")) {
                            throw new IllegalArgumentException("--mode must be half-message or outbox, was " + value);
                        }
                        mode = value;
                    }
                    case "--out" -> out = Path.of(value);
                    case "--db" -> db = Databases.Server.of(value);
                    case "--brokers" -> {
                        brokers = positive(option, value);
                        if (brokers > 9) {
                            throw new IllegalArgumentException("--brokers must be between 1 and 9, was " + value);
                        }
                    }
                    case "--namespace" -> {
                        if (!value.matches("[a-zA-Z0-9_-]{1,64}")) {
                            throw new IllegalArgumentException("--namespace needs 1 to 64 letters, digits, '-' or '_', was " + value);
                        }
                        namespace = value;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + option
                        + "; options: --iterations N, --orders N, --faults F1,F2,..., --seed N, --out DIR, --namespace NS, --audit-events, "
                        + "--mode half-message|outbox, --db mariadb|postgresql, --brokers N");
                }
            }
            String m = mode;
            boolean cluster = brokers > 1;
            if (faults == null) {
                faults = Arrays.stream(FaultCase.values()).filter(f -> f.appliesTo(m) && (cluster || !f.needsCluster())).toList();
            }
            for (FaultCase f : faults) {
                if (!f.appliesTo(mode)) {
                    throw new IllegalArgumentException("--faults: " + f + " does not apply in " + mode + " mode (" + f.description + ")");
                }
                if (f.needsCluster() && !cluster) {
                    throw new IllegalArgumentException("--faults: " + f + " needs two or more broker groups: add --brokers 2");
                }
            }
            return new Settings(iterations, orders, faults, seed, out, namespace, auditEvents, mode, db, brokers);
        }

        private static int positive(String option, String value) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " needs a positive integer, was " + value);
        }
    }

    /** One fault's results. */
    record Row(FaultCase fault, int iterations, int orders, int fired, List<String> inconsistencies) {
    }

    public static void main(String[] args) throws Exception {
        Settings settings;
        try {
            settings = Settings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fault suite: " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Row> rows = run(settings);
        boolean clean = rows.stream().allMatch(r -> r.inconsistencies().isEmpty());
        System.exit(clean ? 0 : 1);
    }

    /** Runs the suite and writes the report; returns a row per fault. */
    public static List<Row> run(Settings s) throws Exception {
        if (!s.db().reachable()) {
            throw new IllegalStateException("the fault suite needs " + s.db().display + " on " + s.db().url("") + " as " + s.db().user());
        }
        Path work = s.out().toAbsolutePath();
        Files.createDirectories(work);
        Path root = SampleJars.checkout();
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Random rnd = new Random(s.seed());
        Instant started = Instant.now();
        say("seed " + s.seed() + ", " + s.iterations() + " iteration(s) of " + s.orders() + " orders per fault, output " + work
            + (s.namespace() == null ? "" : ", RocketMQ namespace " + s.namespace())
            + (s.auditEvents() ? ", two messages per order (ORDER_CREATED and ORDER_AUDITED)" : "")
            + ", services in " + s.mode() + " mode on " + s.db().display
            + (s.brokers() > 1 ? ", " + s.brokers() + " broker groups" : ""));
        List<Row> rows = new ArrayList<>();
        boolean clean;
        if (s.brokers() < 2 && s.faults().stream().anyMatch(FaultCase::needsCluster)) {
            throw new IllegalArgumentException("F14 needs two or more broker groups (brokers=" + s.brokers() + ")");
        }
        try (Cluster cluster = new Cluster(root, work, suffix, s.namespace(), s.auditEvents(), s.mode(), s.db(), s.brokers())) {
            for (FaultCase fault : s.faults()) {
                int fired = 0;
                List<String> inconsistencies = new ArrayList<>();
                for (int n = 1; n <= s.iterations(); n++) {
                    int i = n;
                    List<String> found = new ArrayList<>();
                    boolean didFire = iteration(cluster, fault, i, s.orders(), rnd, found);
                    fired += didFire ? 1 : 0;
                    say(String.format("%s iteration %d: %s, %s", fault, i, didFire ? "fired" : "did not fire",
                        found.isEmpty() ? "consistent" : found.size() + " inconsistencies: " + found));
                    if (!found.isEmpty()) {
                        keepEvidence(work, cluster, fault, i);
                        found.forEach(f -> inconsistencies.add("iteration " + i + ": " + f));
                    }
                }
                rows.add(new Row(fault, s.iterations(), s.iterations() * s.orders(), fired, inconsistencies));
            }
            clean = rows.stream().allMatch(r -> r.inconsistencies().isEmpty());
            if (clean) {
                cluster.db.drop();
            } else {
                say("databases kept for diagnosis: " + cluster.db.order + ", " + cluster.db.account);
            }
        }
        String report = Report.markdown(rows, s, started, Duration.between(started, Instant.now()));
        Files.writeString(work.resolve("report.md"), report);
        System.out.println(report);
        return rows;
    }

    /** One iteration: accounts, the fault armed, orders placed (the fault's action midway), then the checks. */
    private static boolean iteration(Cluster c, FaultCase fault, int iteration, int orders, Random rnd, List<String> found)
        throws Exception {
        c.awaitUp();
        Map<String, BigDecimal> initial = new LinkedHashMap<>();
        for (int a = 0; a < 5; a++) {
            String id = fault + "-" + iteration + "-" + a + "-" + Long.toHexString(rnd.nextLong()).substring(0, 6);
            BigDecimal balance = BigDecimal.valueOf(2000 + rnd.nextInt(8000), 2);
            c.client.openAccount(id, balance);
            initial.put(id, balance);
        }
        int deathsBefore = c.deaths(fault.target(c));
        fault.arm(c, rnd, orders);

        List<String> accounts = new ArrayList<>(initial.keySet());
        Map<String, List<String>> placed = new ConcurrentHashMap<>();
        AtomicInteger count = new AtomicInteger();
        AtomicInteger acted = new AtomicInteger();
        int actAt = 1 + rnd.nextInt(Math.max(1, orders / 2));
        AtomicInteger extra = new AtomicInteger();
        Random during = new Random(rnd.nextLong());
        c.findings.clear();
        c.placeOnce = () -> {
            String account = accounts.get(during.nextInt(accounts.size()));
            BigDecimal amount = BigDecimal.valueOf(100 + during.nextInt(4000), 2);
            String key = fault + "-" + iteration + "-x" + extra.incrementAndGet() + "-" + UUID.randomUUID();
            String body = "{\"accountId\":\"" + account + "\",\"amount\":" + amount.toPlainString() + "}";
            String id = null;
            try {
                Http.Response r = Http.post(c.order.baseUrl() + "/orders", body, key);
                if (r.status() == 201 || r.status() == 200) {
                    id = JSON.readTree(r.body()).path("id").asText(null);
                }
            } catch (java.io.UncheckedIOException | com.fasterxml.jackson.core.JsonProcessingException e) {
                id = null;
            }
            boolean once = id != null;
            if (id == null) {
                id = c.client.place(account, amount, key, Duration.ofMinutes(4)); // the same key: placed at most once
            }
            placed.computeIfAbsent(account, k -> Collections.synchronizedList(new ArrayList<>())).add(id);
            return once;
        };
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int o = 0; o < orders; o++) {
            String account = accounts.get(rnd.nextInt(accounts.size()));
            BigDecimal amount = BigDecimal.valueOf(100 + rnd.nextInt(4000), 2);
            String key = fault + "-" + iteration + "-" + o + "-" + UUID.randomUUID();
            work.add(threads.submit(() -> {
                String id = c.client.place(account, amount, key, Duration.ofMinutes(4));
                placed.computeIfAbsent(account, k -> Collections.synchronizedList(new ArrayList<>())).add(id);
                if (count.incrementAndGet() == actAt) {
                    acted.set(fault.during(c, rnd));
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        threads.shutdown();
        // Armed until the orders settle: probabilistic faults strike the check-backs too.
        List<String> unsettled = Invariants.awaitSettled(c, placed, Duration.ofMinutes(3));
        Map<String, Integer> injected = c.disarm(fault.target(c));
        boolean fired = fault.fired(c, c.deaths(fault.target(c)) - deathsBefore, injected, acted.get());
        found.addAll(c.findings);
        found.addAll(Invariants.check(c, initial, placed, unsettled));
        return fired;
    }

    private static void keepEvidence(Path work, Cluster c, FaultCase fault, int iteration) throws IOException {
        Path dir = work.resolve("failure-" + fault + "-" + iteration);
        Files.createDirectories(dir);
        List<Path> logs = new ArrayList<>(List.of(c.order.log(), c.account.log()));
        logs.addAll(c.broker.logs());
        for (Path log : logs) {
            if (Files.exists(log)) {
                Files.copy(log, dir.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static void say(String line) {
        System.out.println("[faults] " + line);
        System.out.flush();
    }
}
