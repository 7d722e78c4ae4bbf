package dev.txmsg.api;

import java.sql.Connection;
import java.util.List;

/**
 * What an executor may know of the local transaction it runs in, and how it adds messages to it.
 *
 * <p>Every message of the transaction has an id of its own: the key of its transaction-log row,
 * what a check-back asks about and what consumers de-duplicate by. All of them are published if,
 * and only if, the transaction commits.
 */
public interface TransactionContext {

    /**
     * The id of the first message of the transaction (the one {@code send} was given, or the first
     * of its list): the key of its transaction-log row, what check-backs and consumers see, and
     * what the consumer's de-duplication is keyed by.
     */
    String transactionId();

    /** The first message of the transaction. */
    TxMessage message();

    /**
     * Adds a message to this transaction, from the executor or from code it calls: it is published
     * if, and only if, its transaction-log row, written now on this transaction's connection,
     * commits, like the messages {@code send} was given. It is validated at once, as {@code send}
     * validates.
     *
     * <p>The message follows the work around it: added inside a savepoint (a nested transaction)
     * that is then rolled back, it is rolled back with it, and its receipt says
     * {@link TransactionState#ROLLED_BACK}, while the rest of the transaction commits.
     *
     * <p>Any other failure fails the whole transaction: if the broker refuses the message or its log
     * row cannot be written, this method throws and the send rolls the local transaction back and
     * throws the same exception when the executor returns, even if the executor caught it.
     *
     * @param message what to publish
     * @return the new message's id
     * @throws IllegalArgumentException    if the message is not valid; nothing was added
     * @throws IllegalStateException       if the transaction holds the most messages allowed already, or
     *                                     the executor has returned; nothing was added
     * @throws HalfMessageNotSentException if the broker did not store it; the transaction will roll back
     * @throws LogRowNotWrittenException   if its log row could not be written; the transaction will roll back
     * @throws FencedByCheckBackException  if a check-back wrote its row first; the transaction will roll back
     */
    String addMessage(TxMessage message);

    /**
     * The ids of every message of this transaction, in order: those {@code send} was given, then
     * those added, as they were added.
     */
    List<String> transactionIds();

    /**
     * The JDBC connection of the local transaction, for plain JDBC code. Do not commit, roll back
     * or close it: txmsg does. Under Spring it is the connection that {@code JdbcTemplate} and
     * MyBatis use in this transaction anyway.
     */
    Connection connection();
}
