package dev.txmsg.rocketmq;

import java.util.Objects;

import org.apache.rocketmq.common.message.Message;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.send.SendFlow;
import dev.txmsg.rocketmq.wire.HalfMessages;

/**
 * The {@link TransactionalSender} on RocketMQ transactional messages; {@link RocketMqTxMsg}
 * assembles it. Each send drives the protocol's steps itself:
 * <ol>
 * <li>send the half message (asynchronously: its round trip overlaps step 2);</li>
 * <li>in one local transaction, write the log row ({@code COMMITTED}, first statement), run the
 *     executor, wait for the broker to confirm the half message, commit;</li>
 * <li>end the transaction: COMMIT, or ROLLBACK if anything failed. The end is one-way; if it is
 *     lost, or the process dies first, the broker's check-back reads the log.</li>
 * </ol>
 * Thread-safe; one sender serves any number of executors.
 */
public final class RocketMqTransactionalSender implements TransactionalSender {

    private final String group;
    private final HalfMessages halfMessages;
    private final SendFlow flow;

    RocketMqTransactionalSender(String group, HalfMessages halfMessages, SendFlow flow) {
        this.group = group;
        this.halfMessages = halfMessages;
        this.flow = flow;
    }

    @Override
    public <A> SendReceipt send(TxMessage message, LocalTransactionExecutor<A> executor, A arg) {
        Objects.requireNonNull(executor, "executor");
        Message half = halfMessages.create(message);
        return flow.run(message, half, executor, arg);
    }

    /** The producer group, as configured (without a namespace). */
    public String producerGroup() {
        return group;
    }
}
