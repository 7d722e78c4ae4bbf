package dev.txmsg.rocketmq;

/** How a sender gets a committed message to the broker. */
public enum Mode {
    /**
     * RocketMQ transactional (half) messages: the broker holds the message before the commit and
     * asks the transaction log (check-back) when the end is lost. Needs transactional messages on
     * the broker; three broker writes per message.
     */
    HALF_MESSAGE,
    /**
     * The local message table: the message is a row of the outbox, written in the local transaction;
     * a relay in the application publishes it after the commit, as a normal message, batched, in
     * order per key. Needs no transactional messages on the broker.
     */
    OUTBOX
}
