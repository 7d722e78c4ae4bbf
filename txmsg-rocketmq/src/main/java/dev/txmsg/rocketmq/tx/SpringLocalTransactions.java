package dev.txmsg.rocketmq.tx;

import java.sql.Connection;
import java.util.Objects;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.txmsg.api.TransactionState;

/**
 * Local transactions through Spring's {@link PlatformTransactionManager}: the connection is bound
 * to the thread, so that {@code JdbcTemplate}, MyBatis mappers and JPA repositories in the
 * executor take part in the same transaction.
 *
 * <p>Without a surrounding transaction each send runs in a new one. Inside a surrounding
 * transaction the log row and the executor join it under a savepoint ({@code PROPAGATION_NESTED};
 * {@code DataSourceTransactionManager} allows it, {@code JpaTransactionManager} needs
 * {@code nestedTransactionAllowed=true}): an executor's exception rolls back to the savepoint, and
 * the surrounding transaction's outcome, known in {@code afterCompletion}, decides the message.
 */
public final class SpringLocalTransactions implements LocalTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(SpringLocalTransactions.class);

    private final PlatformTransactionManager transactionManager;
    private final DataSource dataSource;
    private final DefaultTransactionDefinition standalone;
    private final DefaultTransactionDefinition nested;

    /**
     * @param transactionManager the application's transaction manager
     * @param dataSource         the DataSource it manages, where the log table lives
     */
    public SpringLocalTransactions(PlatformTransactionManager transactionManager, DataSource dataSource) {
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.standalone = definition(TransactionDefinition.PROPAGATION_REQUIRED);
        this.nested = definition(TransactionDefinition.PROPAGATION_NESTED);
    }

    private static DefaultTransactionDefinition definition(int propagation) {
        DefaultTransactionDefinition d = new DefaultTransactionDefinition(propagation);
        d.setName("txmsg");
        return d;
    }

    @Override
    public LocalTransaction begin() {
        boolean joins = TransactionSynchronizationManager.isActualTransactionActive();
        TransactionStatus status = transactionManager.getTransaction(joins ? nested : standalone);
        try {
            return new SpringTransaction(status, DataSourceUtils.getConnection(dataSource), joins);
        } catch (RuntimeException e) {
            transactionManager.rollback(status);
            throw e;
        }
    }

    private final class SpringTransaction implements LocalTransaction {
        private final TransactionStatus status;
        private final Connection connection;
        private final boolean joins;

        SpringTransaction(TransactionStatus status, Connection connection, boolean joins) {
            this.status = status;
            this.connection = connection;
            this.joins = joins;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public boolean joinsSurrounding() {
            return joins;
        }

        @Override
        public Outcome commit() {
            release();
            if (!joins && status.isRollbackOnly()) {
                // An inner @Transactional call failed and marked the transaction: Spring would roll
                // back and throw UnexpectedRollbackException; roll back and say so instead.
                transactionManager.rollback(status);
                return Outcome.ROLLED_BACK;
            }
            transactionManager.commit(status);
            return Outcome.COMMITTED;
        }

        @Override
        public void rollback() {
            release();
            try {
                transactionManager.rollback(status);
            } catch (RuntimeException e) {
                LOG.warn("rollback failed; the database rolls the transaction back when the connection closes", e);
            }
        }

        @Override
        public void onSurroundingCompletion(Consumer<TransactionState> outcome) {
            if (!joins) {
                throw new IllegalStateException("not inside a surrounding transaction");
            }
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int completion) {
                    outcome.accept(switch (completion) {
                        case STATUS_COMMITTED -> TransactionState.COMMITTED;
                        case STATUS_ROLLED_BACK -> TransactionState.ROLLED_BACK;
                        default -> TransactionState.UNKNOWN;
                    });
                }
            });
        }

        private void release() {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
