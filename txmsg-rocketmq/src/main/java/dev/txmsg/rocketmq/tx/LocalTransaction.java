package dev.txmsg.rocketmq.tx;

import java.sql.Connection;
import java.util.function.Consumer;

import dev.txmsg.api.TransactionState;

/** One local transaction, begun by {@link LocalTransactions#begin()}. */
public interface LocalTransaction {

    /** The connection that the log row and the executor's plain JDBC work use. */
    Connection connection();

    /**
     * Commits; inside a surrounding transaction, releases the savepoint instead (the surrounding
     * transaction's outcome decides).
     *
     * @return {@link Outcome#COMMITTED}, or {@link Outcome#ROLLED_BACK} if the transaction had been
     *         marked rollback-only, or aborted by the database (PostgreSQL, after an error the
     *         executor or handler caught), and was rolled back instead
     * @throws Exception if the commit failed: its outcome is unknown
     */
    Outcome commit() throws Exception;

    /**
     * Rolls back (inside a surrounding transaction: to the savepoint taken at begin). A failure to
     * roll back is logged, not thrown: the database rolls back an abandoned transaction itself.
     */
    void rollback();

    /** Whether this transaction joined a surrounding one under a savepoint. */
    default boolean joinsSurrounding() {
        return false;
    }

    /**
     * For a joined transaction: calls {@code outcome} once the surrounding transaction completed,
     * with its outcome ({@link TransactionState#UNKNOWN} if the transaction manager cannot tell).
     */
    default void onSurroundingCompletion(Consumer<TransactionState> outcome) {
        throw new IllegalStateException("not inside a surrounding transaction");
    }

    /** What a commit did. */
    enum Outcome {
        /** Committed (or, joined, the savepoint was released). */
        COMMITTED,
        /** Rolled back instead, because the transaction was rollback-only or aborted by the database. */
        ROLLED_BACK
    }
}
