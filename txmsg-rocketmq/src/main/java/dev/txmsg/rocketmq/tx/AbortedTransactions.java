package dev.txmsg.rocketmq.tx;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Whether the database already aborted a transaction. PostgreSQL aborts a transaction at its first
 * error, and a COMMIT of an aborted transaction rolls it back and returns without an error (the
 * driver reports nothing): a transaction whose executor or handler caught a database error and went
 * on would look committed while nothing of it is. MySQL, MariaDB and H2 undo only the failed
 * statement and keep the transaction going, so there the answer is always no (a deadlock there
 * rolls back the whole transaction, and the next statement begins a new one: not detectable here).
 */
public final class AbortedTransactions {

    private static final String PG_BASE_CONNECTION = "org.postgresql.core.BaseConnection";

    private AbortedTransactions() {
    }

    /**
     * Whether {@code connection}'s transaction was aborted by the database: asked of pgjdbc without a
     * round trip where the connection unwraps to it, else with a {@code SELECT 1} that an aborted
     * transaction refuses (SQLState 25P02).
     */
    public static boolean isAborted(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        if (product == null || !product.toLowerCase(Locale.ROOT).contains("postgresql")) {
            return false;
        }
        Object state = pgTransactionState(connection);
        if (state != null) {
            return "FAILED".equals(state.toString());
        }
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT 1");
            return false;
        } catch (SQLException e) {
            if ("25P02".equals(e.getSQLState())) {
                return true;
            }
            throw e;
        }
    }

    private static Object pgTransactionState(Connection connection) {
        try {
            Class<?> base = Class.forName(PG_BASE_CONNECTION, false, connection.getClass().getClassLoader());
            if (!connection.isWrapperFor(base)) {
                return null;
            }
            Object pg = connection.unwrap(base);
            Method state = base.getMethod("getTransactionState");
            return state.invoke(pg);
        } catch (ReflectiveOperationException | SQLException | LinkageError | RuntimeException e) {
            return null; // asked with a statement instead
        }
    }
}
