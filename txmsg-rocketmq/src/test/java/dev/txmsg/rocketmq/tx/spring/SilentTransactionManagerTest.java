package dev.txmsg.rocketmq.tx.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * A transaction manager that does not say which resource it manages (neither a
 * {@code ResourceTransactionManager} nor one of Spring's known kinds) and manages another
 * database: only the first send can tell, and it refuses before anything is written or sent.
 */
@WithEmbeddedRocketMQ
class SilentTransactionManagerTest {

    @Test
    void aTransactionManagerThatDoesNotManageTheDataSourceIsRefusedAtTheFirstSend(EmbeddedRocketMQ mq) {
        String topic = "silent-tm";
        mq.createTopic(topic, 2);
        try (TestDatabase db = TestDatabase.h2(); TestDatabase otherDb = db.another()) {
            PlatformTransactionManager other = new JdbcTransactionManager(otherDb.dataSource());
            PlatformTransactionManager silent = new PlatformTransactionManager() {
                @Override
                public TransactionStatus getTransaction(TransactionDefinition d) {
                    return other.getTransaction(d);
                }

                @Override
                public void commit(TransactionStatus status) {
                    other.commit(status);
                }

                @Override
                public void rollback(TransactionStatus status) {
                    other.rollback(status);
                }
            };
            try (RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of(mq.nameServerAddress()), "silent-tm")
                .dataSource(db.dataSource())
                .transactionLog(MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build())
                .localTransactions(new SpringLocalTransactions(silent, db.dataSource()))
                .options(o -> o.withTopics(List.of(topic)))
                .build()) {
                AtomicReference<String> txId = new AtomicReference<>();
                TxMessage message = TxMessage.builder(topic).body("{}".getBytes(StandardCharsets.UTF_8)).build();

                Throwable thrown = catchThrowable(() -> txmsg.sender().send(message, (ctx, a) -> txId.set(ctx.transactionId()), null));

                assertThat(thrown).hasMessageContaining("auto-commit").hasMessageContaining("Nothing was committed");
                assertThat(txId.get()).as("the executor never ran").isNull();
                assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log")).isZero();
            }
        }
    }
}
