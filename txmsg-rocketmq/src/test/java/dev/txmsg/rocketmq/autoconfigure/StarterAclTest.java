package dev.txmsg.rocketmq.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.apache.rocketmq.acl.common.AclClientRPCHook;
import org.apache.rocketmq.acl.common.SessionCredentials;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.txmsg.api.HalfMessageNotSentException;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.test.EmbeddedRocketMQExtension;

/** RocketMQ ACL through rocketmq-spring's usual properties (issue #3), against a broker that enforces authentication. */
class StarterAclTest {

    @RegisterExtension
    static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.authentication("txmsg-ak", "txmsg-sk"));

    private ApplicationContextRunner app(String topic, String secretKey) {
        return new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
                JdbcTemplateAutoConfiguration.class, RocketMQAutoConfiguration.class, TxMsgAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                "spring.application.name=acl-" + UUID.randomUUID().toString().substring(0, 8),
                "rocketmq.name-server=" + mq.broker().nameServerAddress(),
                "rocketmq.producer.access-key=txmsg-ak", "rocketmq.producer.secret-key=" + secretKey,
                "txmsg.topics=" + topic);
    }

    @Test
    void sendsWithTheConfiguredCredentials() {
        String topic = "acl-" + UUID.randomUUID().toString().substring(0, 8);
        mq.broker().createTopic(topic, 2);
        try (CollectingConsumer consumer = new CollectingConsumer(mq.broker().nameServerAddress(), "c-" + topic, topic,
            new AclClientRPCHook(new SessionCredentials("txmsg-ak", "txmsg-sk")))) {
            app(topic, "txmsg-sk").run(context -> {
                String txId = context.getBean(TransactionalSender.class)
                    .send(TxMessage.builder(topic).body(new byte[] {1}).build(), (ctx, arg) -> { }).transactionId();
                await().atMost(Duration.ofSeconds(60)).until(() -> consumer.count(txId) >= 1);
            });
        }
    }

    @Test
    void aWrongSecretIsRefusedAndNothingIsCommitted() {
        String topic = "acl-" + UUID.randomUUID().toString().substring(0, 8);
        mq.broker().createTopic(topic, 2);
        app(topic, "wrong-secret").run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE orders (id VARCHAR(10) PRIMARY KEY)");

            Throwable thrown = catchThrowable(() -> context.getBean(TransactionalSender.class)
                .send(TxMessage.builder(topic).body(new byte[] {1}).build(), (ctx, arg) -> jdbc.update("INSERT INTO orders VALUES ('x')")));

            assertThat(thrown).isInstanceOf(HalfMessageNotSentException.class);
            assertThat(thrown).rootCause().isInstanceOf(MQBrokerException.class)
                .satisfies(e -> assertThat(((MQBrokerException) e).getResponseCode()).isEqualTo(16));
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM orders", Integer.class)).isZero();
            assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM txmsg_tx_log", Integer.class)).isZero();
        });
    }
}
