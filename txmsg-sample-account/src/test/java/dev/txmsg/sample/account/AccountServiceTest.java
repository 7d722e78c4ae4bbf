package dev.txmsg.sample.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/** The account service's REST contract and its order handling, against the real service on H2 and the in-process broker. */
@WithEmbeddedRocketMQ
// the context stops with the class: its consumers (group account-service) must not share the JVM's broker with another class's
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:account-api;DB_CLOSE_DELAY=-1", "txmsg.consumer.start-from=first"})
class AccountServiceTest {

    static EmbeddedRocketMQ mq;
    static DefaultMQProducer orders;
    static DefaultMQPushConsumer replies;
    static final Map<String, Message> REPLIES = new ConcurrentHashMap<>();

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeAll
    static void broker(EmbeddedRocketMQ broker) throws Exception {
        mq = broker;
        mq.createTopic("ORDER_EVENTS", 4);
        mq.createTopic("ACCOUNT_EVENTS", 4);
        orders = new DefaultMQProducer("order-service-stand-in");
        orders.setNamesrvAddr(mq.nameServerAddress());
        orders.start();
        replies = new DefaultMQPushConsumer("order-service-stand-in");
        replies.setNamesrvAddr(mq.nameServerAddress());
        replies.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        replies.subscribe("ACCOUNT_EVENTS", "*");
        replies.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> REPLIES.put(m.getKeys(), m));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        replies.start();
    }

    @AfterAll
    static void stopClients() {
        orders.shutdown();
        replies.shutdown();
    }

    @DynamicPropertySource
    static void nameServer(DynamicPropertyRegistry registry) {
        registry.add("rocketmq.name-server", () -> mq.nameServerAddress());
    }

    @Test
    void openingAnAccountAnswers201AndItsBalanceHasTwoDecimals() {
        ResponseEntity<String> created = post("{\"id\":\"open-1\",\"balance\":100}");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(created.getBody()).isEqualTo("{\"id\":\"open-1\",\"balance\":100.00}");
        assertThat(http.getForObject("/accounts/open-1", String.class)).isEqualTo("{\"id\":\"open-1\",\"balance\":100.00}");
    }

    @Test
    void badOrDuplicateAccountsAreProblemsNamingTheFieldOrId() {
        post("{\"id\":\"dup-1\",\"balance\":1}");
        Object[][] cases = {
            {"{\"id\":\"dup-1\",\"balance\":1}", HttpStatus.CONFLICT, "account dup-1 already exists"},
            {"{\"id\":\" \",\"balance\":1}", HttpStatus.BAD_REQUEST, "id must be a non-blank string"},
            {"{\"id\":\"" + "x".repeat(65) + "\",\"balance\":1}", HttpStatus.BAD_REQUEST, "id must be at most 64 characters"},
            {"{\"id\":\"neg\",\"balance\":-0.01}", HttpStatus.BAD_REQUEST, "balance must not be negative"},
            {"{\"id\":\"nob\"}", HttpStatus.BAD_REQUEST, "balance is required"},
            {"{\"id\":\"bad\",\"balance\":1.001}", HttpStatus.BAD_REQUEST, "at most 2 decimal places"},
            {"{oops", HttpStatus.BAD_REQUEST, "not valid JSON"},
        };
        for (Object[] c : cases) {
            ResponseEntity<String> answer = post((String) c[0]);
            assertThat(answer.getStatusCode()).as((String) c[0]).isEqualTo(c[1]);
            assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(answer.getBody()).as((String) c[0]).contains((String) c[2]);
        }
        ResponseEntity<String> missing = http.getForEntity("/accounts/none", String.class);
        assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.getBody()).contains("account none not found");
    }

    @Test
    void anOrderIsDebitedOnceAndAnsweredEvenWhenDeliveredTwice() throws Exception {
        post("{\"id\":\"pay-1\",\"balance\":20.00}");
        String paid = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        String unknown = UUID.randomUUID().toString();

        Message created = orderCreated(paid, "pay-1", "12.50");
        orders.send(created);
        orders.send(created); // a duplicate: the same message again, as a producer's retry sends it (same unique id)
        orders.send(orderCreated(refused, "pay-1", "30.00")); // more than the balance, whatever the order of handling
        orders.send(orderCreated(unknown, "nobody", "1.00"));

        await().atMost(Duration.ofSeconds(60)).until(() -> REPLIES.keySet().containsAll(List.of(paid, refused, unknown)));
        assertThat(REPLIES.get(paid).getTags()).isEqualTo("ACCOUNT_DEBITED");
        assertThat(REPLIES.get(refused).getTags()).isEqualTo("ACCOUNT_REJECTED");
        assertThat(new String(REPLIES.get(refused).getBody(), StandardCharsets.UTF_8)).containsPattern("\"reason\":\"insufficient funds \\(balance (7\\.50|20\\.00)\\)\"");
        assertThat(new String(REPLIES.get(unknown).getBody(), StandardCharsets.UTF_8)).contains("\"reason\":\"unknown account nobody\"");
        assertThat(jdbc.queryForObject("SELECT balance FROM accounts WHERE id = 'pay-1'", BigDecimal.class)).isEqualByComparingTo("7.50");
    }

    private static Message orderCreated(String orderId, String accountId, String amount) {
        Message m = new Message("ORDER_EVENTS", "ORDER_CREATED", orderId,
            ("{\"orderId\":\"" + orderId + "\",\"accountId\":\"" + accountId + "\",\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private ResponseEntity<String> post(String body) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return http.exchange("/accounts", HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    }
}
