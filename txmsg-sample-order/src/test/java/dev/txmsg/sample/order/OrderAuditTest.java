package dev.txmsg.sample.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/** With order.audit-events=true an order publishes two messages from one transaction, and the audit trail keeps the second. */
@WithEmbeddedRocketMQ
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:order-audit;DB_CLOSE_DELAY=-1", "order.audit-events=true",
        "txmsg.consumer.start-from=first"})
class OrderAuditTest {

    static EmbeddedRocketMQ mq;

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void broker(EmbeddedRocketMQ broker) {
        mq = broker;
    }

    @DynamicPropertySource
    static void nameServer(DynamicPropertyRegistry registry) {
        registry.add("rocketmq.name-server", () -> mq.nameServerAddress());
    }

    @Test
    void anOrderLogsTwoMessagesAndItsAuditRecordArrivesOnce() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        Map<?, ?> order = http.postForEntity("/orders", new HttpEntity<>("{\"accountId\":\"A9\",\"amount\":4.20}", headers), Map.class)
            .getBody();
        String id = (String) order.get("id");

        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM txmsg_tx_log WHERE state = 'COMMITTED'", Integer.class))
            .as("log rows: ORDER_CREATED and ORDER_AUDITED").isEqualTo(2);
        await().atMost(Duration.ofSeconds(60))
            .until(() -> jdbc.queryForObject("SELECT COUNT(*) FROM order_audit WHERE order_id = ?", Integer.class, id) == 1);
        assertThat(jdbc.queryForMap("SELECT account_id, amount FROM order_audit WHERE order_id = ?", id))
            .containsEntry("ACCOUNT_ID", "A9").hasEntrySatisfying("AMOUNT", a -> assertThat(a.toString()).isEqualTo("4.20"));
    }
}
