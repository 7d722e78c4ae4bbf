package dev.txmsg.benchmark.db;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

/** One plain JDBC transaction, the way every hand-written scenario opens it. */
public final class Jdbc {

    private Jdbc() {
    }

    /** Work on the transaction's connection. */
    @FunctionalInterface
    public interface Work {
        /** Runs statements; do not commit or close. */
        void run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction and commits it; rolls back and rethrows on failure. The
     * pool restores auto-commit when the connection goes back.
     */
    public static void inTransaction(DataSource dataSource, Work work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }
}
