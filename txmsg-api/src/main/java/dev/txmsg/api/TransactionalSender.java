package dev.txmsg.api;

import java.util.List;

/**
 * Publishes a message if, and only if, a local database transaction commits.
 *
 * <pre>{@code
 * sender.send(message, (ctx, order) -> orders.insert(order), order);
 * }</pre>
 *
 * <p>The message is stored with the broker first, invisible to consumers; then the executor runs
 * in a local transaction together with a transaction-log row; the commit makes the message
 * visible, a rollback drops it. If the process dies or the broker never hears the outcome, the
 * broker asks back and the transaction log answers. Consumers see the message after the commit
 * and never for a rolled-back transaction; they may see it more than once, so they de-duplicate by
 * transaction id.
 *
 * <p>Implementations are thread-safe, and one sender serves any number of executors.
 */
public interface TransactionalSender {

    /**
     * Runs {@code executor} in a local transaction and publishes {@code message} if it commits.
     *
     * <p>Inside a surrounding transaction (where the implementation supports one), the executor
     * joins it and the message is published when that transaction commits; the result then
     * reports {@link TransactionState#UNKNOWN}.
     *
     * @param message  what to publish
     * @param executor the business work, run in the local transaction
     * @param arg      handed to the executor, may be {@code null}
     * @param <A>      the argument's type
     * @return the ids of the message and its transaction, and its state
     * @throws IllegalArgumentException           if the message is not valid for the transport; nothing was written or sent
     * @throws IllegalStateException             if the send cannot run where it was called (a read-only
     *                                            transaction, for instance); nothing was written or sent
     * @throws HalfMessageNotSentException        if the broker did not store the message; nothing was committed
     * @throws TransactionNotStartedException     if the local transaction could not be begun; nothing was written
     * @throws LogRowNotWrittenException          if the transaction-log row could not be written; nothing was committed
     * @throws TransactionRollbackOnlyException   if the executor's transaction was marked rollback-only; nothing was committed
     * @throws FencedByCheckBackException         if a check-back rolled the transaction back before it wrote its log row
     * @throws TransactionOutcomeUnknownException if the commit's outcome is unknown; the check-back settles it
     * @throws LocalTransactionException          if the executor threw a checked exception (its cause); unchecked
     *                                            exceptions and errors of the executor reach the caller unchanged
     */
    <A> SendReceipt send(TxMessage message, LocalTransactionExecutor<A> executor, A arg);

    /** {@link #send(TxMessage, LocalTransactionExecutor, Object)} with no argument. */
    default SendReceipt send(TxMessage message, LocalTransactionExecutor<Void> executor) {
        return send(message, executor, null);
    }

    /**
     * Runs {@code executor} in one local transaction and publishes every message of {@code messages}
     * if it commits, none if it does not: an order created, stock reserved and a coupon used,
     * announced together. Each message keeps an id of its own (its log row's key, what check-backs
     * ask about and consumers de-duplicate by). Consumers may see them in any order: each is
     * published on its own.
     *
     * <p>The executor may add more through {@link TransactionContext#addMessage}. Every failure and
     * every exception is that of {@link #send(TxMessage, LocalTransactionExecutor, Object)}, for
     * the whole transaction: a message that the broker did not store rolls all of them back.
     *
     * @param messages what to publish, at least one, at most the implementation's limit
     * @param executor the business work, run in the local transaction
     * @param arg      handed to the executor, may be {@code null}
     * @param <A>      the argument's type
     * @return one receipt per message, in the order given, then those the executor added
     * @throws IllegalArgumentException if the list is empty or too long, or a message is not valid;
     *                                  nothing was written or sent
     */
    <A> List<SendReceipt> send(List<TxMessage> messages, LocalTransactionExecutor<A> executor, A arg);

    /** {@link #send(List, LocalTransactionExecutor, Object)} with no argument. */
    default List<SendReceipt> send(List<TxMessage> messages, LocalTransactionExecutor<Void> executor) {
        return send(messages, executor, null);
    }
}
