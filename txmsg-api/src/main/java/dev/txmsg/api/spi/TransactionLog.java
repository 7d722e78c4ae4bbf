package dev.txmsg.api.spi;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.txmsg.api.TransactionState;

/**
 * The transaction log: one row per transactional message, keyed by transaction id, whose state
 * the check-back reports. A primary key on the transaction id is the whole fencing mechanism: the
 * local transaction writes {@code COMMITTED} as its first statement, a check-back that finds no
 * row writes {@code ROLLED_BACK}, and whichever comes second fails on the key.
 *
 * <p>Every producer of one producer group must use the same log (the broker may ask any of them).
 * Implementations are thread-safe.
 */
public interface TransactionLog {

    /**
     * Identity of this log, carried by every message it writes, so that a check-back can tell its
     * own messages from those of another log that shares the producer group by mistake.
     */
    String identity();

    /**
     * Writes the {@code COMMITTED} row inside the local transaction, on its connection; it becomes
     * true when, and only if, that transaction commits.
     *
     * @throws dev.txmsg.api.FencedByCheckBackException if a check-back wrote the row first
     * @throws SQLException                              on any other database error
     */
    void append(Connection connection, String transactionId, String topic) throws SQLException;

    /**
     * Writes the {@code COMMITTED} rows of several messages of one local transaction, on its
     * connection. The default appends them one by one (should one fail, the caller rolls the local
     * transaction back, and the rows written before it with it); an implementation may write them in
     * one statement. An empty list writes nothing.
     *
     * @throws dev.txmsg.api.FencedByCheckBackException if a check-back wrote any of the rows first
     *                                                  (the local transaction must roll back)
     * @throws SQLException                              on any other database error
     */
    default void append(Connection connection, List<LogEntry> entries) throws SQLException {
        for (LogEntry entry : entries) {
            append(connection, entry.transactionId(), entry.topic());
        }
    }

    /**
     * Which of {@code transactionIds} have a row as {@code connection}'s own transaction sees it now,
     * its own uncommitted rows included: txmsg asks before it commits, to learn which rows a
     * rollback to a savepoint undid after they were written.
     *
     * @return the ids that have a row; empty for an empty list
     */
    Set<String> written(Connection connection, Collection<String> transactionIds) throws SQLException;

    /**
     * Reads a transaction's committed state in a transaction of its own (never an uncommitted
     * read).
     *
     * @return the state, or empty if there is no row
     */
    Optional<TransactionState> find(String transactionId) throws SQLException;

    /**
     * Writes a {@code ROLLED_BACK} row in a short transaction of its own, waiting at most the
     * configured lock wait for a local transaction that holds the row.
     *
     * @return {@code true} if this call wrote the row (the transaction is now fenced), {@code false}
     *         if a row existed already
     * @throws SQLException on any other database error, a lock wait timeout included
     */
    boolean fence(String transactionId, String topic) throws SQLException;

    /**
     * Deletes up to {@code limit} rows older than {@code age} by the database's clock, oldest
     * first. Safe to run from several instances at once.
     *
     * @return the number of rows deleted
     */
    int purge(Duration age, int limit) throws SQLException;

    /**
     * Lists up to {@code limit} committed rows whose age by the database's clock is at least
     * {@code minAge} and below {@code maxAge}, with transaction ids after {@code after} (empty for
     * the first page), in transaction-id order: the rows the reconciliation verifies reached their
     * topic. A log that cannot list its rows throws {@link UnsupportedOperationException} (the
     * default), and the reconciliation cannot run on it.
     *
     * @return the rows, at most {@code limit}
     */
    default java.util.List<LogEntry> committed(Duration minAge, Duration maxAge, String after, int limit) throws SQLException {
        throw new UnsupportedOperationException(getClass().getName() + " cannot list its committed rows: the reconciliation needs it");
    }

    /**
     * Counts the log's rows, for a gauge sampled now and then (it may scan the table).
     *
     * @return the number of rows, or -1 if this log cannot count them
     */
    default long size() throws SQLException {
        return -1;
    }
}
