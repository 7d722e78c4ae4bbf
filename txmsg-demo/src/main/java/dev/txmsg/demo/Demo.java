package dev.txmsg.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.test.EmbeddedRocketMQ;

/**
 * The one-command demo: a local RocketMQ (name server on 127.0.0.1:9876), the account and order
 * services from their jars on embedded H2, a few accounts, a few orders (some that their balance
 * cannot cover), printed as they settle; then everything keeps running for curl until Ctrl-C.
 *
 * <pre>java -jar txmsg-demo/target/txmsg-demo-0.1.0-SNAPSHOT.jar [--mode outbox]</pre>
 *
 * <p>{@code --mode outbox} runs both services in outbox mode ({@code txmsg.mode=outbox}); the
 * default is half-message mode.
 */
public final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String[][] ACCOUNTS = {{"alice", "100.00"}, {"bob", "30.00"}, {"carol", "5.00"}};
    private static final String[][] ORDERS = {
        {"alice", "12.50"}, {"bob", "25.00"}, {"carol", "9.99"}, {"alice", "40.00"}, {"bob", "10.00"},
        {"alice", "60.00"}, {"dave", "1.00"},
    };

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        String mode;
        try {
            mode = mode(args);
        } catch (IllegalArgumentException e) {
            say(e.getMessage());
            System.exit(2);
            return;
        }
        Path root = SampleJars.checkout();
        Path work = root.resolve("target").resolve("demo");
        deleteRecursively(work);
        Files.createDirectories(work);
        // RocksDB, inside the broker, logs under user.home: keep it in the demo's directory.
        System.setProperty("user.home", work.toString());

        say("starting a local RocketMQ (name server 127.0.0.1:9876, store " + work.resolve("broker") + ")");
        EmbeddedRocketMQ broker;
        try {
            broker = EmbeddedRocketMQ.builder().nameServerPort(9876).storeDirectory(work.resolve("broker")).build().start();
        } catch (IllegalStateException e) {
            say("could not start RocketMQ on port 9876 (" + e.getMessage() + "): is another demo or broker running? "
                + "Stop it and try again.");
            System.exit(1);
            return;
        }
        broker.createTopic("ORDER_EVENTS", 4);
        broker.createTopic("ACCOUNT_EVENTS", 4);

        ServiceProcess account = service("account-service", SampleJars.account(root), 8082, work, mode);
        ServiceProcess order = service("order-service", SampleJars.order(root), 8081, work, mode);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("stopping");
            order.stop();
            account.stop();
            broker.close();
        }, "demo-shutdown"));

        say("starting account-service on :8082 and order-service on :8081 in " + mode + " mode (logs in " + work + ")");
        account.start();
        order.start();
        account.awaitHealthy(Duration.ofMinutes(3));
        order.awaitHealthy(Duration.ofMinutes(3));

        for (String[] a : ACCOUNTS) {
            Http.post(account.baseUrl() + "/accounts", "{\"id\":\"" + a[0] + "\",\"balance\":" + a[1] + "}", null);
            say(String.format("account %-6s balance %8s", a[0], a[1]));
        }
        List<String> ids = new ArrayList<>();
        for (String[] o : ORDERS) {
            Http.Response placed = Http.post(order.baseUrl() + "/orders", "{\"accountId\":\"" + o[0] + "\",\"amount\":" + o[1] + "}", null);
            JsonNode body = JSON.readTree(placed.body());
            ids.add(body.get("id").asText());
            say(String.format("order   %s  %-6s %8s  %s", body.get("id").asText(), o[0], o[1], body.get("status").asText()));
        }

        waitUntilSettled(order, ids);
        for (String[] a : ACCOUNTS) {
            JsonNode acc = JSON.readTree(Http.get(account.baseUrl() + "/accounts/" + a[0]).body());
            say(String.format("account %-6s balance %8s", a[0], money(acc.get("balance"))));
        }
        System.out.println();
        System.out.println("Everything keeps running; try:");
        System.out.println("  curl -X POST localhost:8082/accounts -H 'Content-Type: application/json' -d '{\"id\":\"erin\",\"balance\":50}'");
        System.out.println("  curl -i -X POST localhost:8081/orders -H 'Content-Type: application/json' -d '{\"accountId\":\"erin\",\"amount\":12.50}'");
        System.out.println("  curl localhost:8081/orders?accountId=erin");
        System.out.println("  curl localhost:8082/accounts/erin");
        System.out.println("  curl localhost:8081/actuator/txmsg        # dead letters and in-doubt transactions");
        System.out.println("Ctrl-C stops the demo.");
        Thread.currentThread().join();
    }

    private static ServiceProcess service(String name, Path jar, int port, Path work, String mode) {
        return new ServiceProcess(name, jar, port, Map.of(
            "rocketmq.name-server", "127.0.0.1:9876",
            "spring.datasource.url", "jdbc:h2:file:" + work.resolve(name) + ";WRITE_DELAY=0",
            "txmsg.mode", mode),
            List.of(), work.resolve(name + ".log"));
    }

    /** {@code --mode half-message} (the default) or {@code --mode outbox}; anything else stops the demo with a message. */
    static String mode(String[] args) {
        String mode = "half-message";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--mode") && i + 1 < args.length) {
                mode = args[++i];
            } else if (a.startsWith("--mode=")) {
                mode = a.substring("--mode=".length());
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'; the demo takes --mode half-message or --mode outbox");
            }
        }
        if (!mode.equals("half-message") && !mode.equals("outbox")) {
            throw new IllegalArgumentException("--mode must be half-message or outbox, was '" + mode + "'");
        }
        return mode;
    }

    private static void waitUntilSettled(ServiceProcess order, List<String> ids) throws IOException {
        Map<String, String> settled = new LinkedHashMap<>();
        long started = System.nanoTime();
        while (settled.size() < ids.size() && System.nanoTime() - started < Duration.ofMinutes(3).toNanos()) {
            for (String id : ids) {
                if (settled.containsKey(id)) {
                    continue;
                }
                JsonNode o = JSON.readTree(Http.get(order.baseUrl() + "/orders/" + id).body());
                String status = o.get("status").asText();
                if (!status.equals("PENDING")) {
                    settled.put(id, status);
                    say(String.format("order   %s  %-6s %8s  %s after %d ms", id, o.get("accountId").asText(), money(o.get("amount")),
                        status, Duration.ofNanos(System.nanoTime() - started).toMillis()));
                }
            }
            ServiceProcess.sleepQuietly(Duration.ofMillis(200));
        }
        if (settled.size() < ids.size()) {
            say("some orders are still PENDING after 3 minutes; see the logs in target/demo");
        }
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
