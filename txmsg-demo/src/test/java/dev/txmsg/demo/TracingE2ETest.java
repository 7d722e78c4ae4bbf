package dev.txmsg.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * One trace spans both sample services (issue #17): {@code POST /orders} in the order service, its
 * send, the account service's delivery and debit, the answer it sends, and the order service's
 * delivery that makes the order PAID. Both services run as child JVMs from their jars, with their
 * shipped tracing (Micrometer Tracing, Brave) exporting Zipkin JSON to a collector in this test,
 * which keeps the spans in memory.
 */
@WithEmbeddedRocketMQ
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingE2ETest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Path dir = Path.of("target", "tracing-e2e", suffix).toAbsolutePath();
    private final List<JsonNode> spans = new CopyOnWriteArrayList<>();
    private final List<String> collectorFailures = new CopyOnWriteArrayList<>();
    private HttpServer collector;
    private ServiceProcess order;
    private ServiceProcess account;
    private final OrderClient client = new OrderClient(() -> order.baseUrl(), () -> account.baseUrl());

    @BeforeAll
    void start(EmbeddedRocketMQ mq) throws IOException {
        mq.createTopic("ORDER_EVENTS", 4);
        mq.createTopic("ACCOUNT_EVENTS", 4);
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/api/v2/spans", exchange -> {
            try (InputStream body = exchange.getRequestBody();
                 InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                     ? new GZIPInputStream(body) : body) {
                JSON.readTree(in).forEach(spans::add);
                exchange.sendResponseHeaders(202, -1);
            } catch (IOException | RuntimeException e) {
                collectorFailures.add(e.toString());
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        collector.start();
        Path root = SampleJars.checkout();
        account = service("account-service", SampleJars.account(root), "account", mq).start();
        order = service("order-service", SampleJars.order(root), "order", mq).start();
        account.awaitHealthy(Duration.ofMinutes(3));
        order.awaitHealthy(Duration.ofMinutes(3));
    }

    @AfterAll
    void stop() {
        if (order != null) {
            order.stop();
        }
        if (account != null) {
            account.stop();
        }
        if (collector != null) {
            collector.stop(0);
        }
    }

    private ServiceProcess service(String name, Path jar, String database, EmbeddedRocketMQ mq) {
        return new ServiceProcess(name, jar, ServiceProcess.freePort(), Map.of(
            "spring.datasource.url", "jdbc:h2:file:" + dir.resolve(database) + ";WRITE_DELAY=0",
            "rocketmq.name-server", mq.nameServerAddress(),
            "txmsg.consumer.start-from", "first",
            "management.zipkin.tracing.export.enabled", "true",
            "management.zipkin.tracing.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort() + "/api/v2/spans",
            "logging.level.root", "WARN"), List.of(), dir.resolve(name + ".log"));
    }

    @Test
    void anOrderIsOneTraceFromItsRequestThroughTheAccountServiceToPaid() {
        String accountId = "traced-" + suffix;
        client.openAccount(accountId, new BigDecimal("100.00"));
        String orderId = client.place(accountId, new BigDecimal("12.50"), "trace-" + suffix, Duration.ofMinutes(1));
        await().atMost(Duration.ofMinutes(1)).until(() -> "PAID".equals(client.status(orderId)));

        await("the spans of both services, exported").atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            assertThat(collectorFailures).as("spans the collector could not read").isEmpty();
            JsonNode request = span("order-service", "http post /orders");
            String trace = request.get("traceId").asText();
            assertThat(inTrace(trace, "account-service", "consume ORDER_EVENTS")).as("the account service's delivery").isNotEmpty();
            assertThat(inTrace(trace, "account-service", "send ACCOUNT_EVENTS")).as("its answer").isNotEmpty();
            assertThat(inTrace(trace, "order-service", "consume ACCOUNT_EVENTS")).as("the answer's delivery").isNotEmpty();
        });

        JsonNode request = span("order-service", "http post /orders");
        String trace = request.get("traceId").asText();
        JsonNode send = single(inTrace(trace, "order-service", "send ORDER_EVENTS"));
        JsonNode debit = applied(inTrace(trace, "account-service", "consume ORDER_EVENTS"));
        JsonNode answer = single(inTrace(trace, "account-service", "send ACCOUNT_EVENTS"));
        JsonNode paid = applied(inTrace(trace, "order-service", "consume ACCOUNT_EVENTS"));
        assertThat(ancestors(send)).as("the send, in the request (inside the security filter chain's spans)")
            .contains(request.get("id").asText());
        assertThat(parent(debit)).as("the debit, a child of the send across the broker").isEqualTo(send.get("id").asText());
        assertThat(parent(answer)).as("the answer, sent from the debit's handler").isEqualTo(debit.get("id").asText());
        assertThat(parent(paid)).as("PAID, a child of the answer").isEqualTo(answer.get("id").asText());
        assertThat(send.get("kind").asText()).isEqualTo("PRODUCER");
        assertThat(debit.get("kind").asText()).isEqualTo("CONSUMER");
        assertThat(send.get("tags").get("txmsg.topic").asText()).isEqualTo("ORDER_EVENTS");
        assertThat(send.get("tags").get("txmsg.outcome").asText()).isEqualTo("committed");
        assertThat(debit.get("tags").get("txmsg.transaction_id").asText()).isEqualTo(send.get("tags").get("txmsg.transaction_id").asText());
        assertThat(debit.get("tags").get("txmsg.outcome").asText()).isEqualTo("applied");
    }

    /** The span of {@code service} named {@code name} that starts a trace (no parent). */
    private JsonNode span(String service, String name) {
        List<JsonNode> found = spans.stream().filter(s -> service.equals(service(s)) && name.equalsIgnoreCase(s.path("name").asText())
            && !s.has("parentId")).toList();
        assertThat(found).as("%s's root span %s among %s", service, name, names()).hasSize(1);
        return found.get(0);
    }

    private List<JsonNode> inTrace(String trace, String service, String name) {
        return spans.stream().filter(s -> trace.equals(s.path("traceId").asText()) && service.equals(service(s))
            && name.equalsIgnoreCase(s.path("name").asText())).toList();
    }

    /** The delivery that applied the message (a redelivery would add a duplicate's span beside it). */
    private static JsonNode applied(List<JsonNode> deliveries) {
        List<JsonNode> applied = deliveries.stream().filter(d -> "applied".equals(d.path("tags").path("txmsg.outcome").asText())).toList();
        return single(applied);
    }

    private static JsonNode single(List<JsonNode> found) {
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static String service(JsonNode span) {
        return span.path("localEndpoint").path("serviceName").asText();
    }

    /** The ids of a span's parent, its parent's parent, and so on, as far as the collected spans go. */
    private List<String> ancestors(JsonNode span) {
        List<String> ids = new java.util.ArrayList<>();
        String parent = parent(span);
        while (parent != null && !ids.contains(parent)) {
            ids.add(parent);
            String id = parent;
            parent = spans.stream().filter(s -> id.equals(s.path("id").asText())).findFirst().map(TracingE2ETest::parent).orElse(null);
        }
        return ids;
    }

    private static String parent(JsonNode span) {
        return span.path("parentId").asText(null);
    }

    private List<String> names() {
        return spans.stream().map(s -> service(s) + ":" + s.path("name").asText()).toList();
    }
}
