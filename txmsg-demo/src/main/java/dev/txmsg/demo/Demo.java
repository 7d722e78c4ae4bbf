package dev.txmsg.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.test.EmbeddedRocketMQ;

/**
 * The one-command demo: a local RocketMQ (name server on 127.0.0.1:9876), the account and order
 * services from their jars on embedded H2, three accounts, and seven orders placed one at a time,
 * each printed when it settles (PAID, or CANCELLED with the account service's reason); then
 * everything keeps running for curl until Ctrl-C, which stops it all in a few seconds.
 *
 * <pre>java -jar txmsg-demo/target/txmsg-demo-0.1.0-SNAPSHOT.jar [--mode outbox] [--order-port 9081] ...</pre>
 *
 * <p>{@link DemoOptions#USAGE} lists the options. The ports are checked before anything starts;
 * one in use stops the demo with a message that names it and the option that changes it.
 * RocketMQ's own log and the services' logs go to files under {@code target/demo}.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String[][] ACCOUNTS = {{"alice", "100.00"}, {"bob", "30.00"}, {"carol", "5.00"}};
    private static final String[][] ORDERS = {
        {"alice", "12.50"}, {"bob", "25.00"}, {"carol", "9.99"}, {"alice", "40.00"}, {"bob", "10.00"},
        {"alice", "60.00"}, {"dave", "1.00"},
    };
    /** Counted down by the shutdown hook (Ctrl-C): starting services and stopping them never overlap. */
    private static final CountDownLatch STOPPING = new CountDownLatch(1);
    private static final Object LIFECYCLE = new Object();

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
            options.requirePortsFree();
        } catch (IllegalArgumentException e) {
            say(e.getMessage());
            System.out.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            say(e.getMessage());
            System.exit(1);
            return;
        }
        try {
            run(options);
        } catch (Exception e) {
            // Ctrl-C while starting stops the services too, which this thread may notice first.
            if (STOPPING.await(3, TimeUnit.SECONDS)) {
                return; // the shutdown hook says what it does
            }
            say("the demo failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            say("the logs are in " + shown(workDirectory()) + " (rocketmq.log, account-service.log, order-service.log)");
            System.exit(1);
        }
    }

    /** {@code target/demo} of the checkout, or {@code -Dtxmsg.demo.dir} (the demo's own test uses another). */
    private static Path workDirectory() {
        String dir = System.getProperty("txmsg.demo.dir");
        return dir != null ? Path.of(dir).toAbsolutePath() : SampleJars.checkout().resolve("target").resolve("demo");
    }

    /** A path as the demo prints it: relative to the checkout where it lies inside. */
    private static Path shown(Path path) {
        Path root = SampleJars.checkout();
        return path.startsWith(root) ? root.relativize(path) : path;
    }

    /** broker-a, broker-b, ... ({@code broker} alone when there is one, as the store directory always was). */
    private static java.util.List<String> brokerNames(int brokers) {
        if (brokers == 1) {
            return java.util.List.of("broker");
        }
        return java.util.stream.IntStream.range(0, brokers).mapToObj(i -> "broker-" + (char) ('a' + i)).toList();
    }

    private static void run(DemoOptions options) throws Exception {
        long began = System.nanoTime();
        Path root = SampleJars.checkout();
        Path work = workDirectory();
        deleteRecursively(work);
        Files.createDirectories(work);
        Path shown = shown(work);
        // RocketMQ (its own shaded logback, see rmq.logback.xml) writes its log here; RocksDB, inside
        // the broker, logs under user.home: keep both in the demo's directory.
        System.setProperty("txmsg.demo.rocketmq.log", work.resolve("rocketmq.log").toString());
        System.setProperty("user.home", work.toString());
        // netty's certificates and RocksDB's native library: in the demo's directory, not the system's temp.
        System.setProperty("java.io.tmpdir", Files.createDirectories(work.resolve("tmp").resolve("demo")).toString());

        StringBuilder ports = new StringBuilder();
        options.ports().forEach((who, port) -> ports.append(ports.isEmpty() ? "" : ", ").append(port).append(' ').append(who));
        say("ports: " + ports);
        if (options.brokers() == 1) {
            say("starting a local RocketMQ (store and log in " + shown + ")");
        } else {
            say("starting a local RocketMQ cluster: a name server and " + options.brokers() + " broker groups ("
                + String.join(", ", brokerNames(options.brokers())) + "), each topic with 4 queues on each (store and log in " + shown + ")");
        }
        // One broker with the name server; in a cluster, the others join it (the embedded brokers stay up
        // until the JVM ends: the next demo discards their stores anyway).
        EmbeddedRocketMQ first = null;
        for (String name : brokerNames(options.brokers())) {
            EmbeddedRocketMQ.Builder b = EmbeddedRocketMQ.builder().storeDirectory(work.resolve(name));
            if (options.brokers() > 1) {
                b.brokerName(name);
            }
            EmbeddedRocketMQ broker = (first == null ? b.nameServerPort(options.nameServerPort()) : b.joinNameServer(first.nameServerAddress()))
                .build().start();
            broker.createTopic("ORDER_EVENTS", 4);
            broker.createTopic("ACCOUNT_EVENTS", 4);
            first = first == null ? broker : first;
        }

        String nameServer = "127.0.0.1:" + options.nameServerPort();
        ServiceProcess account = service("account-service", SampleJars.account(root), options.accountPort(), work, options.mode(), nameServer);
        ServiceProcess order = service("order-service", SampleJars.order(root), options.orderPort(), work, options.mode(), nameServer);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(order, account), "demo-shutdown"));

        say("starting account-service and order-service in " + options.mode() + " mode (their logs in " + shown + ")");
        synchronized (LIFECYCLE) {
            if (STOPPING.getCount() == 0) {
                return;
            }
            account.start();
            order.start();
        }
        account.awaitHealthy(Duration.ofMinutes(3));
        order.awaitHealthy(Duration.ofMinutes(3));
        say(String.format("ready after %.0f s", (System.nanoTime() - began) / 1e9));

        for (String[] a : ACCOUNTS) {
            Http.post(account.baseUrl() + "/accounts", "{\"id\":\"" + a[0] + "\",\"balance\":" + a[1] + "}", null);
        }
        say("accounts: " + balances(account));
        say("placing " + ORDERS.length + " orders one at a time; each is PENDING until account-service answers through RocketMQ:");
        for (String[] o : ORDERS) {
            placeAndSettle(order, o[0], o[1]);
        }
        say("accounts: " + balances(account));
        String orders = "localhost:" + options.orderPort();
        String accounts = "localhost:" + options.accountPort();
        System.out.println();
        System.out.println("Everything keeps running; try:");
        System.out.println("  curl -X POST " + accounts + "/accounts -H 'Content-Type: application/json' -d '{\"id\":\"erin\",\"balance\":50}'");
        System.out.println("  curl -i -X POST " + orders + "/orders -H 'Content-Type: application/json' -d '{\"accountId\":\"erin\",\"amount\":12.50}'");
        System.out.println("  curl '" + orders + "/orders?accountId=erin'");
        System.out.println("  curl " + accounts + "/accounts/erin");
        String login = " -u " + OPERATOR + ":" + OPERATOR_PASSWORD + " ";
        System.out.println("  curl" + login + orders + "/actuator/txmsg        # what waits for an operator");
        System.out.println("  curl" + login + orders + "/actuator/txmsg/trail/ORDER_ID        # where is an order's message");
        System.out.println("The operator consoles (user " + OPERATOR + ", password " + OPERATOR_PASSWORD + "):");
        System.out.println("  http://" + orders + "/actuator/txmsgconsole");
        System.out.println("  http://" + accounts + "/actuator/txmsgconsole");
        System.out.println("Ctrl-C stops the demo.");
        Thread.currentThread().join();
    }

    /** Places one order and waits until it settles; prints it with the time from placing to settling. */
    private static void placeAndSettle(ServiceProcess order, String accountId, String amount) throws IOException {
        long placed = System.nanoTime();
        Http.Response response = Http.post(order.baseUrl() + "/orders",
            "{\"accountId\":\"" + accountId + "\",\"amount\":" + amount + "}", null);
        if (response.status() != 201) {
            throw new IllegalStateException("order-service answered " + response.status() + " to an order: " + response.body());
        }
        String id = JSON.readTree(response.body()).get("id").asText();
        long deadline = placed + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode o = JSON.readTree(Http.get(order.baseUrl() + "/orders/" + id).body());
            String status = o.get("status").asText();
            if (!status.equals("PENDING")) {
                long ms = Duration.ofNanos(System.nanoTime() - placed).toMillis();
                JsonNode reason = o.get("reason");
                say(String.format("order %s  %-5s %6s  %s after %d ms%s", id, accountId, amount, status, ms,
                    reason == null || reason.isNull() ? "" : ": " + reason.asText()));
                return;
            }
            ServiceProcess.sleepQuietly(Duration.ofMillis(20));
        }
        say(String.format("order %s  %-5s %6s  still PENDING after 2 minutes; see the logs in target/demo", id, accountId, amount));
    }

    private static String balances(ServiceProcess account) throws IOException {
        StringBuilder line = new StringBuilder();
        for (String[] a : ACCOUNTS) {
            JsonNode acc = JSON.readTree(Http.get(account.baseUrl() + "/accounts/" + a[0]).body());
            line.append(line.isEmpty() ? "" : ", ").append(a[0]).append(' ').append(money(acc.get("balance")));
        }
        return line.toString();
    }

    /**
     * The shutdown hook: both services at once (they drain their consumers and unregister while
     * RocketMQ still runs). RocketMQ itself is not shut down: a clean stop of its store takes several
     * seconds, and the next demo discards the store anyway; it ends with this JVM.
     */
    private static void stop(ServiceProcess order, ServiceProcess account) {
        synchronized (LIFECYCLE) {
            STOPPING.countDown();
        }
        long began = System.nanoTime();
        say("stopping");
        Thread orderStop = new Thread(order::stop, "stop-order-service");
        orderStop.start();
        account.stop();
        try {
            orderStop.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        say(String.format("stopped in %.1f s", (System.nanoTime() - began) / 1e9));
    }

    /** The operator the demo's services let in (their endpoints and consoles), and the password it prints for curl. */
    static final String OPERATOR = "operator";
    static final String OPERATOR_PASSWORD = "operator-secret";

    private static ServiceProcess service(String name, Path jar, int port, Path work, String mode, String nameServer) {
        return new ServiceProcess(name, jar, port, Map.of(
            "rocketmq.name-server", nameServer,
            "spring.datasource.url", "jdbc:h2:file:" + work.resolve(name) + ";WRITE_DELAY=0",
            "txmsg.mode", mode,
            "spring.security.user.name", OPERATOR,
            "spring.security.user.password", OPERATOR_PASSWORD),
            List.of(), work.resolve(name + ".log"));
    }

    private static String money(JsonNode amount) {
        return amount.decimalValue().setScale(2).toPlainString();
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
