package dev.txmsg.benchmark.scenario;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionSendResult;

/** Plain RocketMQ producers as the hand-written scenarios use them, with RocketMQ's default settings. */
final class Producers {

    private Producers() {
    }

    /** A started producer of {@code group}. */
    static DefaultMQProducer start(String group, String nameServer) {
        return start(new DefaultMQProducer(group), nameServer);
    }

    /** Starts {@code producer} on {@code nameServer}. */
    static <P extends DefaultMQProducer> P start(P producer, String nameServer) {
        producer.setNamesrvAddr(nameServer);
        try {
            producer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("the producer of group " + producer.getProducerGroup() + " did not start on "
                + nameServer + ": " + e.getMessage(), e);
        }
        return producer;
    }

    /** Fails unless the broker stored the message. */
    static void requireStored(SendResult result) {
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new IllegalStateException("message " + result.getMsgId() + " was sent but not stored as asked: "
                + result.getSendStatus());
        }
    }

    /** Fails unless the half message was stored and the local transaction committed. */
    static void requireCommitted(TransactionSendResult result, long orderId) {
        requireStored(result);
        if (result.getLocalTransactionState() != LocalTransactionState.COMMIT_MESSAGE) {
            throw new IllegalStateException("the local transaction of order " + orderId + " ended "
                + result.getLocalTransactionState() + "; its message was not committed");
        }
    }
}
