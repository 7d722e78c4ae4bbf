package dev.txmsg.rocketmq;

import java.util.List;
import java.util.Objects;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.send.SendPath;

/**
 * The {@link TransactionalSender} on RocketMQ; {@link RocketMqTxMsg} assembles it, in one of two
 * modes ({@link Mode}). In outbox mode a send writes one outbox row per message in the local
 * transaction and the relay publishes them after the commit. In half-message mode (the default)
 * each send drives the protocol's steps itself:
 * <ol>
 * <li>send the half message, one per message (asynchronously: the round trips overlap step 2);</li>
 * <li>in one local transaction, write the log rows ({@code COMMITTED}, first statement), run the
 *     executor, wait for the broker to confirm every half message, commit;</li>
 * <li>end the transaction: COMMIT, or ROLLBACK if anything failed. The end is one-way; if it is
 *     lost, or the process dies first, the broker's check-back reads the log.</li>
 * </ol>
 * Thread-safe; one sender serves any number of executors.
 */
public final class RocketMqTransactionalSender implements TransactionalSender {

    private final String group;
    private final SendPath flow;

    RocketMqTransactionalSender(String group, SendPath flow) {
        this.group = group;
        this.flow = flow;
    }

    @Override
    public <A> SendReceipt send(TxMessage message, LocalTransactionExecutor<A> executor, A arg) {
        return flow.run(List.of(Objects.requireNonNull(message, "message")), executor, arg).get(0);
    }

    @Override
    public <A> List<SendReceipt> send(List<TxMessage> messages, LocalTransactionExecutor<A> executor, A arg) {
        return flow.run(messages, executor, arg);
    }

    /** The producer group, as configured (without a namespace). */
    public String producerGroup() {
        return group;
    }
}
