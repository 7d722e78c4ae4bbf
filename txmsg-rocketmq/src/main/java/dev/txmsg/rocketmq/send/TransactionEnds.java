package dev.txmsg.rocketmq.send;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;

/** Sends the end of a transaction (COMMIT or ROLLBACK of its half message) to the broker, one-way. */
@FunctionalInterface
public interface TransactionEnds {

    /**
     * Ends {@code half}'s transaction.
     *
     * @param half  the half message
     * @param sent  the broker's answer to its send
     * @param state COMMIT_MESSAGE or ROLLBACK_MESSAGE
     * @param cause why it is rolled back, or {@code null}
     * @throws Exception if the request could not be sent (the check-back settles it)
     */
    void end(Message half, SendResult sent, LocalTransactionState state, Throwable cause) throws Exception;

    /** Through {@code producer}'s own end-transaction request. */
    static TransactionEnds of(TransactionMQProducer producer) {
        return (half, sent, state, cause) -> producer.getDefaultMQProducerImpl().endTransaction(half, sent, state, cause);
    }
}
