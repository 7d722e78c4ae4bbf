package dev.txmsg.api;

import java.util.Objects;

/**
 * The outcome of a {@link TransactionalSender#send}.
 *
 * @param messageId     the message id consumers see
 * @param transactionId the transaction id, key of the transaction-log row (with RocketMQ, equal to
 *                      the message id)
 * @param topic         the topic the message went to
 * @param state         {@link TransactionState#COMMITTED} once the local transaction committed;
 *                      {@link TransactionState#UNKNOWN} when a surrounding transaction decides later
 */
public record SendReceipt(String messageId, String transactionId, String topic, TransactionState state) {

    /** Checks that no component is null. */
    public SendReceipt {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(state, "state");
    }
}
