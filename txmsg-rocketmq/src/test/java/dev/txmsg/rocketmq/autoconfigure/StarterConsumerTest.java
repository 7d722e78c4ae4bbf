package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.consume.TxMsgListener;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/** Consumers the Spring way (issue #4): a {@code @TxMsgListener} bean, and the {@code txmsg} endpoint. */
@WithEmbeddedRocketMQ
class StarterConsumerTest {

    static final AtomicBoolean FAILING = new AtomicBoolean();

    record Paid(String orderId) {
    }

    @TxMsgListener(consumerGroup = "${test.group}", topic = "${test.topic}", tags = "ORDER_PAID", maxAttempts = 2,
        nonRetryable = IllegalArgumentException.class)
    static class PaymentHandler implements MessageHandler {
        private final JdbcTemplate jdbc;

        PaymentHandler(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Override
        public void handle(ReceivedMessage message, ConsumeContext context) {
            jdbc.update("INSERT INTO payments (order_id) VALUES (?)", message.payload(Paid.class).orderId());
            if (FAILING.get()) {
                throw new IllegalArgumentException("rejected " + message.payload(Paid.class).orderId());
            }
        }
    }

    private ApplicationContextRunner app(EmbeddedRocketMQ mq, String topic) {
        String id = UUID.randomUUID().toString().substring(0, 8);
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class, JacksonAutoConfiguration.class, RocketMQAutoConfiguration.class,
                TxMsgAutoConfiguration.class, TxMsgConsumerAutoConfiguration.class, TxMsgEndpointConfiguration.class))
            .withBean(PaymentHandler.class)
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + id + ";DB_CLOSE_DELAY=-1",
                "spring.application.name=payments-" + id, "rocketmq.name-server=" + mq.nameServerAddress(),
                "txmsg.topics=" + topic, "txmsg.consumer.start-from=first", "test.group=ledger-" + id, "test.topic=" + topic)
            .withInitializer(c -> {
                FAILING.set(false);
                // As in a SpringApplication: lenient enum conversion ("unrestricted" for Access.UNRESTRICTED).
                c.getEnvironment().setConversionService(
                    (org.springframework.core.convert.support.ConfigurableConversionService)
                        org.springframework.boot.convert.ApplicationConversionService.getSharedInstance());
            });
    }

    @Test
    void aListenerBeanConsumesInTheApplicationsTransaction(EmbeddedRocketMQ mq) {
        String topic = "paid-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        app(mq, topic).run(context -> {
            assertThat(context).hasNotFailed();
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE payments (order_id VARCHAR(64))");
            TransactionalSender sender = context.getBean(TransactionalSender.class);

            sender.send(TxMessage.builder(topic).tag("ORDER_PAID").payload(new Paid("o-1")).build(), (ctx, a) -> { });
            sender.send(TxMessage.builder(topic).tag("OTHER").payload(new Paid("o-2")).build(), (ctx, a) -> { });

            await().atMost(Duration.ofSeconds(60)).until(() -> count(jdbc, "o-1") == 1);
            assertThat(count(jdbc, "o-2")).as("filtered out by tag").isZero();
            assertThat(context).doesNotHaveBean(TxMsgEndpoint.class).doesNotHaveBean(TxMsgConsoleEndpoint.class);
        });
    }

    @Test
    void theEndpointListsReplaysAndDiscardsOnceEnabled(EmbeddedRocketMQ mq) {
        String topic = "paid-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        app(mq, topic).withPropertyValues("management.endpoint.txmsg.access=unrestricted",
            "management.endpoints.web.exposure.include=txmsg").run(context -> {
                assertThat(context).hasSingleBean(TxMsgEndpoint.class);
                assertThat(context).as("the console is off until enabled and exposed").doesNotHaveBean(TxMsgConsoleEndpoint.class);
                TxMsgEndpoint endpoint = context.getBean(TxMsgEndpoint.class);
                JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                jdbc.execute("CREATE TABLE payments (order_id VARCHAR(64))");
                TransactionalSender sender = context.getBean(TransactionalSender.class);
                FAILING.set(true);

                sender.send(TxMessage.builder(topic).tag("ORDER_PAID").payload(new Paid("p-1")).build(), (ctx, a) -> { });
                sender.send(TxMessage.builder(topic).tag("ORDER_PAID").payload(new Paid("p-2")).build(), (ctx, a) -> { });
                await().atMost(Duration.ofSeconds(60)).until(() -> context.getBean(Operations.class).deadLetterCount() == 2);

                assertThat(endpoint.summary()).containsEntry("deadLetters", 2L);
                List<Map<String, Object>> listed = endpoint.list("dead-letters", null, topic, null, null, null);
                assertThat(listed).hasSize(2).allSatisfy(d -> {
                    assertThat(d.get("status").toString()).isEqualTo("DEAD");
                    assertThat(d.get("cause").toString()).contains("IllegalArgumentException: rejected");
                    assertThat(d.get("attempts")).as("non-retryable: one attempt").isEqualTo(1);
                });
                String p1 = idOf(listed, "p-1");
                String p2 = idOf(listed, "p-2");

                FAILING.set(false);
                assertThat(endpoint.act(SecurityContext.NONE, "dead-letters", p1, "replay", null)).containsEntry("outcome", dev.txmsg.api.ops.ReplayResult.Outcome.APPLIED);
                assertThat(count(jdbc, "p-1")).isEqualTo(1);
                assertThat(endpoint.act(SecurityContext.NONE, "dead-letters", p1, "replay", null))
                    .containsEntry("outcome", dev.txmsg.api.ops.ReplayResult.Outcome.NOT_PENDING);
                assertThat(endpoint.act(SecurityContext.NONE, "dead-letters", p2, "discard", "refunded by hand")).containsEntry("discarded", true);
                assertThat(count(jdbc, "p-1")).isEqualTo(1);
                assertThat(count(jdbc, "p-2")).isZero();
                assertThat(endpoint.summary()).containsEntry("deadLetters", 0L);

                assertThatThrownBy(() -> endpoint.actOnAll(SecurityContext.NONE, "dead-letters", "discard", "moot", p1 + ",x", null, null,
                    null, null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
                assertThatThrownBy(() -> endpoint.actOnAll(SecurityContext.NONE, "dead-letters", "discard", "moot", " , ", null, null,
                    null, null, null)).as("ids that name nothing never mean all").isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> endpoint.actOnAll(SecurityContext.NONE, "dead-letters", "discard", "moot", null, null, null,
                    null, null, null)).as("a bulk discard without ids or a filter").isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("never discards everything");
                assertThatThrownBy(() -> endpoint.actOnAll(SecurityContext.NONE, "in-doubt", "discard", "moot", "a,b," + "x".repeat(65),
                    null, null, null, null, null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 characters");
                assertThat(endpoint.list("audit", null, null, null, null, null)).as("newest first; the bad requests wrote nothing")
                    .extracting(a -> a.get("actor") + " " + a.get("action") + " " + a.get("target") + " " + a.get("reason") + " "
                        + a.get("outcome"))
                    .containsExactly("anonymous discard " + p2 + " refunded by hand DISCARDED", "anonymous replay " + p1 + " null NOT_PENDING",
                        "anonymous replay " + p1 + " null APPLIED");
                String txId = listed.stream().filter(d -> d.get("id").toString().equals(p1)).findFirst().orElseThrow()
                    .get("deduplicationKey").toString();
                Map<String, Object> trail = endpoint.find("trail", txId);
                assertThat(trail.get("transactionIds")).isEqualTo(List.of(txId));
                assertThat((List<?>) trail.get("consumed")).hasSize(1);
                assertThat((List<?>) trail.get("deadLetters")).hasSize(1);
                assertThat((List<?>) trail.get("log")).hasSize(1);
            });
    }

    @Test
    void txmsgObservesOnlyWhereATracerRuns(EmbeddedRocketMQ mq) {
        String topic = "paid-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        // Spring Boot's registry with metrics only (no tracing bridge): txmsg creates no observation, not even timers
        app(mq, topic).withBean(io.micrometer.observation.ObservationRegistry.class, io.micrometer.observation.ObservationRegistry::create)
            .run(context -> {
                assertThat(context.getBean(dev.txmsg.rocketmq.metrics.TxMsgMetrics.class).tracing().registry().isNoop()).isTrue();
                assertThat(context.getBean(dev.txmsg.rocketmq.metrics.ConsumerMetrics.class).tracing().registry().isNoop()).isTrue();
            });
        app(mq, topic).withBean(io.micrometer.observation.ObservationRegistry.class, io.micrometer.observation.ObservationRegistry::create)
            .withBean(io.micrometer.tracing.Tracer.class, () -> io.micrometer.tracing.Tracer.NOOP)
            .run(context -> {
                io.micrometer.observation.ObservationRegistry registry = context.getBean(io.micrometer.observation.ObservationRegistry.class);
                assertThat(context.getBean(dev.txmsg.rocketmq.metrics.TxMsgMetrics.class).tracing().registry()).isSameAs(registry);
                assertThat(context.getBean(dev.txmsg.rocketmq.metrics.ConsumerMetrics.class).tracing().registry()).isSameAs(registry);
            });
    }

    @Test
    void theConsoleIsServedOnceEnabledAndExposed(EmbeddedRocketMQ mq) {
        String topic = "paid-" + UUID.randomUUID().toString().substring(0, 8);
        mq.createTopic(topic, 2);
        app(mq, topic).withPropertyValues("management.endpoint.txmsg.access=unrestricted",
            "management.endpoint.txmsgconsole.access=read-only", "management.endpoints.web.exposure.include=txmsg,txmsgconsole")
            .run(context -> {
                assertThat(context).hasSingleBean(TxMsgConsoleEndpoint.class);
                assertThat(context.getBean(TxMsgConsoleEndpoint.class).page()).contains("<title>txmsg console</title>")
                    .doesNotContain(".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write");
            });
    }

    private static String idOf(List<Map<String, Object>> letters, String orderId) {
        return letters.stream().filter(d -> d.get("body").toString().contains(orderId)).findFirst().orElseThrow().get("id").toString();
    }

    private static int count(JdbcTemplate jdbc, String orderId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payments WHERE order_id = ?", Integer.class, orderId);
    }
}
