package dev.txmsg.acceptance;

import io.micrometer.core.instrument.MeterRegistry;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;

/** A sender built by a {@link Harness}: its {@link TransactionalSender}, its meters, and its end. */
public interface SenderUnderTest extends TransactionalSender, AutoCloseable {

    /** The sender. */
    TransactionalSender sender();

    @Override
    default <A> SendReceipt send(TxMessage message, LocalTransactionExecutor<A> executor, A arg) {
        return sender().send(message, executor, arg);
    }

    @Override
    default <A> java.util.List<SendReceipt> send(java.util.List<TxMessage> messages, LocalTransactionExecutor<A> executor, A arg) {
        return sender().send(messages, executor, arg);
    }

    /** Where its meters are (txmsg's meter names, tagged with the group). */
    MeterRegistry meters();

    /** Stops it, as a process that ends would: its check-backs go to the group's other producers. */
    @Override
    void close();
}
