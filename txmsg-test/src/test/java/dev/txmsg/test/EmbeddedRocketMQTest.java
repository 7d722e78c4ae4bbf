package dev.txmsg.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

@WithEmbeddedRocketMQ
class EmbeddedRocketMQTest {

    @Test
    void deliversATransactionalMessageWhoseCommitComesFromACheckBack(EmbeddedRocketMQ mq) throws Exception {
        String topic = "kit-check-back";
        mq.createTopic(topic, 2);
        List<String> received = new CopyOnWriteArrayList<>();
        DefaultMQPushConsumer consumer = new DefaultMQPushConsumer("kit-consumer");
        consumer.setNamesrvAddr(mq.nameServerAddress());
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.subscribe(topic, "*");
        consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
            msgs.forEach(m -> received.add(new String(m.getBody(), StandardCharsets.UTF_8)));
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
        });
        consumer.start();

        TransactionMQProducer producer = new TransactionMQProducer("kit-producer");
        producer.setNamesrvAddr(mq.nameServerAddress());
        producer.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.UNKNOW; // undecided: only a check-back can commit it
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.COMMIT_MESSAGE;
            }
        });
        producer.start();
        try {
            var result = producer.sendMessageInTransaction(new Message(topic, "hello".getBytes(StandardCharsets.UTF_8)), null);
            assertThat(result.getSendStatus()).isEqualTo(SendStatus.SEND_OK);

            await().atMost(Duration.ofSeconds(30)).until(() -> received.contains("hello"));
        } finally {
            producer.shutdown();
            consumer.shutdown();
        }
    }

    @Test
    void rejectsATransactionTimeoutThatWouldCauseDuplicates() {
        assertThatThrownBy(() -> EmbeddedRocketMQ.builder()
            .transactionTimeout(Duration.ofSeconds(1))
            .transactionOpBatchInterval(Duration.ofMillis(600))
            .build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("at least twice transactionOpBatchInterval");
    }
}
