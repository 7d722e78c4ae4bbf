package dev.txmsg.faults.suite;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.demo.Http;
import dev.txmsg.demo.OrderClient;
import dev.txmsg.demo.SampleJars;
import dev.txmsg.demo.ServiceProcess;
import dev.txmsg.faults.agent.Faults;

/**
 * What the suite runs: MariaDB (a database per service), the standalone broker (or a cluster of them), and both sample
 * services as child JVMs with the fault agent on their class path. A watchdog restarts a service
 * that died (a kill fault fired) on the same port, unarmed, and counts its deaths.
 */
final class Cluster implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Databases db;
    final Brokers broker;
    /** Findings of a fault's own action in the current iteration (F14: orders refused while one broker was down). */
    final List<String> findings = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final ServiceProcess order;
    final ServiceProcess account;
    final OrderClient client;
    /** F14: places one order of the current iteration with a single POST; false if refused (it is then placed with retries). */
    volatile java.util.function.BooleanSupplier placeOnce = () -> true;
    private final Map<ServiceProcess, AtomicInteger> deaths = new ConcurrentHashMap<>();
    private final Thread watchdog;
    private final String namespace;
    /** Whether the order service publishes two messages per order (ORDER_CREATED and ORDER_AUDITED). */
    final boolean auditEvents;
    private final String mode;
    private volatile boolean closing;

    Cluster(Path root, Path work, String suffix, String namespace, boolean auditEvents, String mode, Databases.Server server,
            int brokerGroups) throws SQLException {
        this.db = new Databases(server, suffix);
        db.create();
        this.namespace = namespace;
        this.auditEvents = auditEvents;
        this.mode = mode;
        this.broker = new Brokers(root, work, namespace, brokerGroups);
        broker.start();
        Path agent = agentJar(root);
        this.account = service("account-service", SampleJars.account(root), db.account, work, agent);
        this.order = service("order-service", SampleJars.order(root), db.order, work, agent);
        account.start();
        order.start();
        account.awaitHealthy(Duration.ofMinutes(3));
        order.awaitHealthy(Duration.ofMinutes(3));
        deaths.put(order, new AtomicInteger());
        deaths.put(account, new AtomicInteger());
        this.client = new OrderClient(order::baseUrl, account::baseUrl);
        this.watchdog = new Thread(this::watch, "fault-suite-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private ServiceProcess service(String name, Path jar, String database, Path work, Path agent) {
        Map<String, String> properties = new java.util.LinkedHashMap<>(Map.of(
            "spring.datasource.url", db.server.url(database),
            "spring.datasource.username", db.server.user(),
            "spring.datasource.password", db.server.password(),
            "rocketmq.name-server", broker.nameServer(),
            "txmsg.faults.enabled", "true",
            "txmsg.consumer.start-from", "first",
            "txmsg.broker.transaction-timeout", BrokerProcess.TRANSACTION_TIMEOUT,
            "txmsg.broker.check-interval", BrokerProcess.CHECK_INTERVAL,
            "txmsg.in-doubt.probe-interval", "1s",
            "logging.level.root", "WARN"));
        properties.put("txmsg.mode", mode);
        if (db.server == Databases.Server.POSTGRESQL) {
            properties.put("spring.profiles.active", "postgresql"); // the order table's PostgreSQL schema
        }
        if (mode.equals("outbox")) {
            // published messages kept for the record, so that the checks can tell what was committed
            properties.put("txmsg.outbox.published-retention", "1h");
        }
        if (auditEvents && name.equals("order-service")) {
            properties.put("order.audit-events", "true");
        }
        if (namespace != null) {
            properties.put("rocketmq.producer.namespace", namespace);
            properties.put("rocketmq.consumer.namespace", namespace);
        }
        return new ServiceProcess(name, jar, ServiceProcess.freePort(), properties, List.of(), work.resolve(name + ".log"), agent);
    }

    /** F10: has the order service place {@code count} orders in nested scopes it rolls back; returns how many it did. */
    int nestedRollbacks(int count) {
        String account = "phantom-account";
        Http.Response r = Http.post(order.baseUrl() + "/txmsg-faults/nested-rollbacks?accountId=" + account + "&count=" + count, "{}", null);
        if (r.status() != 200) {
            throw new IllegalStateException("nested rollbacks in the order service answered " + r.status() + ": " + r.body());
        }
        try {
            return JSON.readTree(r.body()).get("rolledBack").asInt();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many times {@code service}'s in-doubt watcher failed to settle a message since it started. */
    long inDoubtSettleFailures(ServiceProcess service) {
        try {
            return JSON.readTree(Http.get(service.baseUrl() + "/txmsg-faults").body()).get("inDoubtSettleFailures").asLong();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void watch() {
        while (!closing) {
            for (ServiceProcess s : List.of(order, account)) {
                if (!closing && !s.isAlive()) {
                    deaths.get(s).incrementAndGet();
                    s.start();
                    try {
                        s.awaitHealthy(Duration.ofMinutes(3));
                    } catch (IllegalStateException e) {
                        System.err.println("fault suite: " + s.name() + " did not come back: " + e.getMessage());
                    }
                }
            }
            ServiceProcess.sleepQuietly(Duration.ofMillis(300));
        }
    }

    /** How many times {@code service} died (and was restarted) so far. */
    int deaths(ServiceProcess service) {
        return deaths.get(service).get();
    }

    /** Arms faults in {@code service}'s agent. */
    void arm(ServiceProcess service, List<Faults.Armed> faults) {
        try {
            Http.Response r = Http.post(service.baseUrl() + "/txmsg-faults/arm", JSON.writeValueAsString(faults), null);
            if (r.status() != 200) {
                throw new IllegalStateException("arming " + faults + " in " + service.name() + " answered " + r.status() + ": " + r.body());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Disarms {@code service}'s agent and returns how often each fault was injected (empty if it is down). */
    Map<String, Integer> disarm(ServiceProcess service) {
        try {
            JsonNode status = JSON.readTree(Http.get(service.baseUrl() + "/txmsg-faults").body());
            Http.post(service.baseUrl() + "/txmsg-faults/disarm", "{}", null);
            return JSON.convertValue(status.get("injected"), JSON.getTypeFactory().constructMapType(Map.class, String.class, Integer.class));
        } catch (RuntimeException | JsonProcessingException e) {
            return Map.of();
        }
    }

    /** Waits until both services answer (after the watchdog restarted one). */
    void awaitUp() {
        order.awaitHealthy(Duration.ofMinutes(3));
        account.awaitHealthy(Duration.ofMinutes(3));
    }

    private static Path agentJar(Path root) {
        Path target = root.resolve("txmsg-faults").resolve("target");
        try (var files = java.nio.file.Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("txmsg-faults-[0-9.]+(-SNAPSHOT)?\\.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no agent jar in " + target + ": build with 'mvn -B package -DskipTests'"));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no agent jar in " + target + ": build with 'mvn -B package -DskipTests'", e);
        }
    }

    @Override
    public void close() {
        closing = true;
        order.stop();
        account.stop();
        broker.close();
    }
}
