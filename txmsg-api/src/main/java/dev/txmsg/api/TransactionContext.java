package dev.txmsg.api;

import java.sql.Connection;

/** What an executor may know of the transaction it runs in. */
public interface TransactionContext {

    /**
     * The transaction id: the key of the transaction-log row, what check-backs and consumers see,
     * and what the consumer's de-duplication is keyed by.
     */
    String transactionId();

    /** The message that the commit will publish. */
    TxMessage message();

    /**
     * The JDBC connection of the local transaction, for plain JDBC code. Do not commit, roll back
     * or close it: txmsg does. Under Spring it is the connection that {@code JdbcTemplate} and
     * MyBatis use in this transaction anyway.
     */
    Connection connection();
}
