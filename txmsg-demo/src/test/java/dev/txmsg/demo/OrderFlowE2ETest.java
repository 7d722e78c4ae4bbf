package dev.txmsg.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * Both sample services as real child JVMs on MariaDB, the broker in-process (issue #5): 300
 * orders from 8 threads over 10 accounts settle, and the money adds up — also when the order
 * service is killed (SIGKILL) and restarted in the middle.
 */
@WithEmbeddedRocketMQ
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfMariaDbForE2E
class OrderFlowE2ETest {

    private static final int ORDERS = 300;
    private static final int THREADS = 8;

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String orderDb = "txmsg_e2e_order_" + suffix;
    private final String accountDb = "txmsg_e2e_account_" + suffix;
    private final Path logs = Path.of("target", "e2e");
    private ServiceProcess order;
    private ServiceProcess account;
    private final OrderClient client = new OrderClient(() -> order.baseUrl(), () -> account.baseUrl());

    @BeforeAll
    void startServices(EmbeddedRocketMQ mq) throws SQLException {
        mq.createTopic("ORDER_EVENTS", 4);
        mq.createTopic("ACCOUNT_EVENTS", 4);
        MariaDbForE2E.execute("CREATE DATABASE " + orderDb);
        MariaDbForE2E.execute("CREATE DATABASE " + accountDb);
        Path root = SampleJars.checkout();
        account = service("account-service", SampleJars.account(root), accountDb, mq).start();
        order = service("order-service", SampleJars.order(root), orderDb, mq).start();
        account.awaitHealthy(Duration.ofMinutes(3));
        order.awaitHealthy(Duration.ofMinutes(3));
    }

    @AfterAll
    void stopServices() throws SQLException {
        if (order != null) {
            order.stop();
        }
        if (account != null) {
            account.stop();
        }
        MariaDbForE2E.execute("DROP DATABASE IF EXISTS " + orderDb);
        MariaDbForE2E.execute("DROP DATABASE IF EXISTS " + accountDb);
    }

    private ServiceProcess service(String name, Path jar, String database, EmbeddedRocketMQ mq) {
        return new ServiceProcess(name, jar, ServiceProcess.freePort(), Map.of(
            "spring.datasource.url", MariaDb.url(database),
            "spring.datasource.username", MariaDb.user(),
            "spring.datasource.password", MariaDb.password(),
            "rocketmq.name-server", mq.nameServerAddress(),
            "txmsg.consumer.start-from", "first",
            "txmsg.mode", mode(),
            "logging.level.root", "WARN"), List.of(), logs.resolve(name + "-" + suffix + ".log"));
    }

    /** How both services send: txmsg.mode (the outbox leg overrides it). */
    protected String mode() {
        return "half-message";
    }

    @Test
    void threeHundredOrdersSettleAndTheMoneyAddsUp() throws Exception {
        Map<String, BigDecimal> initial = openAccounts("steady");
        List<String> ids = placeOrders(initial, () -> { });
        assertConsistent(initial, ids);
    }

    @Test
    void theOrderServiceKilledAndRestartedMidwayLosesAndDuplicatesNothing() throws Exception {
        Map<String, BigDecimal> initial = openAccounts("crash");
        AtomicInteger placed = new AtomicInteger();
        List<String> ids = placeOrders(initial, () -> {
            if (placed.incrementAndGet() == ORDERS / 3) {
                order.kill();          // SIGKILL: in-flight transactions die wherever they are
                order.start();         // same database, same port: clients retry with their Idempotency-Key
            }
        });
        assertConsistent(initial, ids);
    }

    private Map<String, BigDecimal> openAccounts(String prefix) {
        Map<String, BigDecimal> initial = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            String id = prefix + "-" + suffix + "-" + i;
            BigDecimal balance = new BigDecimal(50 + 25 * i).setScale(2);
            client.openAccount(id, balance);
            initial.put(id, balance);
        }
        return initial;
    }

    /** Places {@value #ORDERS} orders from {@value #THREADS} threads, each retried with its Idempotency-Key until answered. */
    private List<String> placeOrders(Map<String, BigDecimal> accounts, Runnable afterEach) throws Exception {
        List<String> accountIds = new ArrayList<>(accounts.keySet());
        Map<String, String> ids = new ConcurrentHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String key = "e2e-" + suffix + "-" + i + "-" + UUID.randomUUID();
            work.add(threads.submit(() -> {
                String accountId = accountIds.get(ThreadLocalRandom.current().nextInt(accountIds.size()));
                String amount = BigDecimal.valueOf(ThreadLocalRandom.current().nextInt(100, 4000), 2).toPlainString();
                ids.put(key, client.place(accountId, new BigDecimal(amount), key, Duration.ofMinutes(3)));
                afterEach.run();
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        threads.shutdown();
        assertThat(ids).hasSize(ORDERS);
        return List.copyOf(ids.values());
    }

    private void assertConsistent(Map<String, BigDecimal> initial, List<String> ids) throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> assertThat(pending(ids)).as("orders still PENDING").isEmpty());

        Map<String, BigDecimal> paid = new HashMap<>();
        int orderCount = 0;
        for (String accountId : initial.keySet()) {
            for (JsonNode o : client.orders(accountId).values()) {
                orderCount++;
                assertThat(o.get("status").asText()).isIn("PAID", "CANCELLED");
                if (o.get("status").asText().equals("PAID")) {
                    paid.merge(accountId, o.get("amount").decimalValue(), BigDecimal::add);
                }
            }
        }
        assertThat(orderCount).as("orders, none duplicated by retries").isEqualTo(ORDERS);
        for (Map.Entry<String, BigDecimal> a : initial.entrySet()) {
            BigDecimal balance = client.balance(a.getKey());
            assertThat(balance).as("balance of " + a.getKey()).isGreaterThanOrEqualTo(BigDecimal.ZERO)
                .isEqualByComparingTo(a.getValue().subtract(paid.getOrDefault(a.getKey(), BigDecimal.ZERO)));
        }
        // Each order's money moved at most once: one ORDER_CREATED handled per order, one answer per order.
        assertThat(MariaDbForE2E.longs(accountDb, "SELECT COUNT(*) FROM txmsg_consume_log GROUP BY message_key HAVING COUNT(*) > 1")).isEmpty();
        assertThat(MariaDbForE2E.longs(accountDb, "SELECT COUNT(*) FROM txmsg_dead_letter")).containsExactly(0L);
        assertThat(MariaDbForE2E.longs(orderDb, "SELECT COUNT(*) FROM txmsg_dead_letter")).containsExactly(0L);
    }

    private List<String> pending(List<String> ids) throws Exception {
        List<String> pending = new ArrayList<>();
        for (String id : ids) {
            String status = client.status(id);
            if (!"PAID".equals(status) && !"CANCELLED".equals(status)) {
                pending.add(id);
            }
        }
        return pending;
    }

    /** Reads a column of longs. */
    static List<Long> longs(Connection c, String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

}
