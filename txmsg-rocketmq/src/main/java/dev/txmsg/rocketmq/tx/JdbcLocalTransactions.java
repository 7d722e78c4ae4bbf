package dev.txmsg.rocketmq.tx;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Local transactions on plain JDBC: a connection from the DataSource with auto-commit off. */
public final class JdbcLocalTransactions implements LocalTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLocalTransactions.class);

    private final DataSource dataSource;

    /** Transactions on connections of {@code dataSource}. */
    public JdbcLocalTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public LocalTransaction begin() throws SQLException {
        Connection c = dataSource.getConnection();
        try {
            boolean autoCommit = c.getAutoCommit();
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            return new JdbcTransaction(c, autoCommit);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static final class JdbcTransaction implements LocalTransaction {
        private final Connection connection;
        private final boolean restoreAutoCommit;

        JdbcTransaction(Connection connection, boolean restoreAutoCommit) {
            this.connection = connection;
            this.restoreAutoCommit = restoreAutoCommit;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public Outcome commit() throws SQLException {
            try {
                if (AbortedTransactions.isAborted(connection)) {
                    // PostgreSQL would roll back at COMMIT without a word: say so instead
                    connection.rollback();
                    release();
                    return Outcome.ROLLED_BACK;
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                abandon();
                throw e;
            }
            release();
            return Outcome.COMMITTED;
        }

        @Override
        public void rollback() {
            try {
                connection.rollback();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("rollback failed; the database rolls the transaction back when the connection closes", e);
                abandon();
                return;
            }
            release();
        }

        private void release() {
            try {
                if (restoreAutoCommit) {
                    connection.setAutoCommit(true);
                }
            } catch (SQLException e) {
                LOG.debug("could not restore auto-commit", e);
            } finally {
                close();
            }
        }

        /** After a failed commit or rollback the connection's state is unknown: close it without reuse hints. */
        private void abandon() {
            close();
        }

        private void close() {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("could not close the connection", e);
            }
        }
    }
}
