package dev.txmsg.api;

import java.util.Objects;

/**
 * The outcome of a {@link TransactionalSender#send}.
 *
 * @param messageId     the message id consumers see (with RocketMQ, its unique message id: txmsg sets
 *                      it to the transaction id). Not the broker's offset id: with
 *                      {@link Delivery#OUTBOX} the broker has not seen the message yet
 * @param transactionId the transaction id, key of the transaction-log or outbox row (with RocketMQ,
 *                      equal to the message id)
 * @param topic         the topic the message goes to
 * @param state         {@link TransactionState#COMMITTED} once the local transaction committed;
 *                      {@link TransactionState#UNKNOWN} when a surrounding transaction decides later;
 *                      {@link TransactionState#ROLLED_BACK} for a message a rollback to a savepoint undid
 * @param delivery      how the message reaches the broker, and so what the receipt proves about it
 */
public record SendReceipt(String messageId, String transactionId, String topic, TransactionState state, Delivery delivery) {

    /** How a committed message reaches the broker. */
    public enum Delivery {
        /**
         * The broker stored the message (as a half message) before the local transaction committed;
         * the end of the transaction, or the broker's check-back, makes it visible to consumers.
         */
        HALF_MESSAGE,
        /**
         * The message is a row of the outbox table, committed with the local transaction; the
         * relay publishes it after the commit, so when {@code send} returns the broker may not have
         * it yet.
         */
        OUTBOX
    }

    /** Checks that no component is null. */
    public SendReceipt {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(delivery, "delivery");
    }

    /** A receipt of a message sent as a half message ({@link Delivery#HALF_MESSAGE}). */
    public SendReceipt(String messageId, String transactionId, String topic, TransactionState state) {
        this(messageId, transactionId, topic, state, Delivery.HALF_MESSAGE);
    }
}
