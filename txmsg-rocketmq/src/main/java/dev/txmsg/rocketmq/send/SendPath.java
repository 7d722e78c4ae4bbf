package dev.txmsg.rocketmq.send;

import java.util.List;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TxMessage;

/**
 * How a transactional send reaches the broker: as half messages ({@link SendFlow}) or through the
 * outbox table and its relay.
 */
public interface SendPath {

    /**
     * Runs one local transaction publishing {@code messages}, validated first: nothing is written
     * or sent unless every one of them is valid.
     *
     * @return one receipt per message, in order, then those the executor added
     */
    <A> List<SendReceipt> run(List<TxMessage> messages, LocalTransactionExecutor<A> executor, A arg);
}
