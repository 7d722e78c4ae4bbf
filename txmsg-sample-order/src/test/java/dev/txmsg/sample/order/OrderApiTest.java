package dev.txmsg.sample.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/** The order service's REST contract, against the real service on H2 and the in-process broker. */
@WithEmbeddedRocketMQ
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:order-api;DB_CLOSE_DELAY=-1", "txmsg.consumer.enabled=false"})
class OrderApiTest {

    static EmbeddedRocketMQ mq;

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    OrderRepository orders;

    @BeforeAll
    static void broker(EmbeddedRocketMQ broker) {
        mq = broker;
    }

    @DynamicPropertySource
    static void nameServer(DynamicPropertyRegistry registry) {
        registry.add("rocketmq.name-server", () -> mq.nameServerAddress());
    }

    @BeforeEach
    void empty() {
        jdbc.update("DELETE FROM orders");
        jdbc.update("DELETE FROM txmsg_tx_log");
    }

    @Test
    void placingAnOrderAnswers201WithARelativeLocationAndThePendingOrder() {
        ResponseEntity<Map> created = post("{\"accountId\":\"A1\",\"amount\":12.50}", null);

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        String id = (String) created.getBody().get("id");
        assertThat(created.getHeaders().getLocation()).hasToString("/orders/" + id);
        assertThat(json(created)).isEqualTo("{\"id\":\"" + id + "\",\"accountId\":\"A1\",\"amount\":12.50,\"status\":\"PENDING\"}");
        assertThat(http.getForEntity("/orders/" + id, String.class).getBody()).contains("\"amount\":12.50", "\"status\":\"PENDING\"");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM txmsg_tx_log", Integer.class)).as("ORDER_CREATED logged").isEqualTo(1);
    }

    @Test
    void amountsMayBeNumericStringsAndTrailingZerosDoNotCount() {
        assertThat(json(post("{\"accountId\":\"A1\",\"amount\":\"7.5\"}", null))).contains("\"amount\":7.50");
        assertThat(json(post("{\"accountId\":\"A1\",\"amount\":3.100}", null))).contains("\"amount\":3.10");
    }

    @Test
    void badRequestsAre400ProblemsNamingTheFieldAndWriteAndSendNothing() {
        String[][] cases = {
            {"{\"accountId\":\"A1\",\"amount\":12.505}", "amount must have at most 2 decimal places"},
            {"{\"accountId\":\"A1\",\"amount\":0}", "amount must be positive"},
            {"{\"accountId\":\"A1\",\"amount\":-1}", "amount must be positive"},
            {"{\"accountId\":\"A1\"}", "amount is required"},
            {"{\"accountId\":\"A1\",\"amount\":\"ten\"}", "amount must be a number"},
            {"{\"amount\":1}", "accountId is required"},
            {"{\"accountId\":\" \",\"amount\":1}", "accountId must be a non-blank string"},
            {"{\"accountId\":\"A1\",", "not valid JSON"},
            {"[1,2]", "must be a JSON object"},
        };
        for (String[] c : cases) {
            ResponseEntity<String> answer = http.exchange("/orders", org.springframework.http.HttpMethod.POST, entity(c[0], null), String.class);
            assertThat(answer.getStatusCode()).as(c[0]).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(answer.getHeaders().getContentType()).as(c[0]).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(answer.getBody()).as(c[0]).contains(c[1]);
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders", Integer.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM txmsg_tx_log", Integer.class)).as("nothing sent").isZero();
    }

    @Test
    void unknownOrdersAre404AndListsNeedAnAccount() {
        ResponseEntity<String> missing = http.getForEntity("/orders/nope", String.class);
        assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(missing.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(missing.getBody()).contains("order nope not found");

        ResponseEntity<String> noAccount = http.getForEntity("/orders", String.class);
        assertThat(noAccount.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(noAccount.getBody()).contains("accountId");
    }

    @Test
    void aCancelledOrderSaysWhyAndASettledOneCannotBeSettledAgain() {
        String cancelled = (String) post("{\"accountId\":\"C1\",\"amount\":9.99}", null).getBody().get("id");
        String paid = (String) post("{\"accountId\":\"C1\",\"amount\":1.00}", null).getBody().get("id");

        assertThat(orders.settle(cancelled, Order.Status.CANCELLED, "insufficient funds (balance 5.00)")).isTrue();
        assertThat(orders.settle(paid, Order.Status.PAID, null)).isTrue();
        assertThat(orders.settle(cancelled, Order.Status.PAID, null)).as("already settled").isFalse();

        assertThat(http.getForEntity("/orders/" + cancelled, String.class).getBody())
            .contains("\"status\":\"CANCELLED\"", "\"reason\":\"insufficient funds (balance 5.00)\"");
        assertThat(http.getForEntity("/orders/" + paid, String.class).getBody())
            .contains("\"status\":\"PAID\"").doesNotContain("reason");
        List<Map<String, Object>> listed = http.getForObject("/orders?accountId=C1", List.class);
        assertThat(listed).extracting(o -> o.get("reason")).containsExactly("insufficient funds (balance 5.00)", null);
    }

    @Test
    void anOrdersTableOfAnEarlierVersionGetsItsReasonColumnAtStart() {
        jdbc.execute("ALTER TABLE orders DROP COLUMN reason");
        try {
            orders.addReasonToAnOlderTable();
        } finally {
            orders.addReasonToAnOlderTable(); // the column back for the other tests, whatever happened
        }
        String id = (String) post("{\"accountId\":\"U1\",\"amount\":1.00}", null).getBody().get("id");
        assertThat(orders.settle(id, Order.Status.CANCELLED, "unknown account U1")).isTrue();
        assertThat(orders.find(id)).hasValueSatisfying(o -> assertThat(o.reason()).isEqualTo("unknown account U1"));
    }

    @Test
    void anAccountsOrdersAreListedOldestFirst() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add((String) post("{\"accountId\":\"L1\",\"amount\":" + i + "}", null).getBody().get("id"));
        }
        post("{\"accountId\":\"L2\",\"amount\":1}", null);

        List<Map<String, Object>> listed = http.getForObject("/orders?accountId=L1", List.class);
        assertThat(listed).extracting(o -> o.get("id")).containsExactlyElementsOf(ids);
    }

    @Test
    void aRepeatedIdempotencyKeyReturnsTheSameOrderAndADifferentBodyIs422() {
        ResponseEntity<Map> first = post("{\"accountId\":\"A1\",\"amount\":5}", "key-1");
        ResponseEntity<Map> again = post("{\"accountId\":\"A1\",\"amount\":\"5.00\"}", "key-1");
        ResponseEntity<String> other = http.exchange("/orders", org.springframework.http.HttpMethod.POST,
            entity("{\"accountId\":\"A1\",\"amount\":6}", "key-1"), String.class);

        assertThat(first.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(again.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(again.getBody().get("id")).isEqualTo(first.getBody().get("id"));
        assertThat(other.getStatusCode()).isEqualTo(HttpStatus.UNPROCESSABLE_ENTITY);
        assertThat(other.getBody()).contains("Idempotency-Key key-1");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM txmsg_tx_log WHERE state = 'COMMITTED'", Integer.class)).isEqualTo(1);
    }

    @Test
    void racingRequestsWithOneIdempotencyKeyCreateOneOrder() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        CyclicBarrier start = new CyclicBarrier(2);
        Callable<ResponseEntity<Map>> place = () -> {
            start.await();
            return post("{\"accountId\":\"R1\",\"amount\":9.99}", "race-key");
        };
        List<Future<ResponseEntity<Map>>> answers = List.of(two.submit(place), two.submit(place));
        ResponseEntity<Map> a = answers.get(0).get();
        ResponseEntity<Map> b = answers.get(1).get();
        two.shutdown();

        assertThat(List.of(a.getStatusCode(), b.getStatusCode())).containsExactlyInAnyOrder(HttpStatus.CREATED, HttpStatus.OK);
        assertThat(a.getBody().get("id")).isEqualTo(b.getBody().get("id"));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders WHERE account_id = 'R1'", Integer.class)).isEqualTo(1);
    }

    private ResponseEntity<Map> post(String body, String idempotencyKey) {
        return http.exchange("/orders", org.springframework.http.HttpMethod.POST, entity(body, idempotencyKey), Map.class);
    }

    private static HttpEntity<String> entity(String body, String idempotencyKey) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        if (idempotencyKey != null) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
        return new HttpEntity<>(body, headers);
    }

    private String json(ResponseEntity<Map> answer) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(answer.getBody());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
