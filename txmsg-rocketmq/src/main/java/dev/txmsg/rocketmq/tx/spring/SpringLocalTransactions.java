package dev.txmsg.rocketmq.tx.spring;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.InfrastructureProxy;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.txmsg.api.TransactionState;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.tx.LocalTransaction;

/**
 * Local transactions through Spring's {@link PlatformTransactionManager}: the connection is bound
 * to the thread, so that {@code JdbcTemplate}, MyBatis mappers and JPA repositories in the
 * executor take part in the same transaction.
 *
 * <p>Which transaction a send runs in:
 * <ul>
 * <li><b>A surrounding transaction that holds txmsg's own connection</b> (one of the transaction
 *     manager that manages txmsg's DataSource, begun by {@code @Transactional} or a
 *     {@code TransactionTemplate}): the log row and the executor join it under a savepoint
 *     ({@code PROPAGATION_NESTED}), and the message follows the log row: the end waits for the
 *     transaction's completion, and a savepoint that the application rolls back later (an enclosing
 *     {@code NESTED} scope, a manual savepoint, an outer send's executor that fails) turns it into
 *     ROLLBACK. Savepoints are followed through Spring's {@code TransactionSynchronization}
 *     callbacks (Spring Framework 6.2), without any statement of their own.</li>
 * <li><b>No transaction, one of another resource</b> (a Kafka or JMS transaction, another
 *     DataSource's), <b>or one that is completing</b> (a send from an {@code afterCommit} or
 *     {@code afterCompletion} callback, a {@code @TransactionalEventListener}): a transaction of
 *     its own ({@code PROPAGATION_REQUIRES_NEW}), committed and ended at once.</li>
 * </ul>
 * Under JPA (a JPA EntityManager or Hibernate Session takes part in the transaction) the send
 * joins without a savepoint: a JDBC savepoint would not undo the persistence context, so an
 * executor's failure marks the whole surrounding transaction rollback-only instead.
 *
 * <p>Refused before anything is sent: a read-only surrounding transaction (the log row cannot be
 * written), a transaction on txmsg's connection without transaction synchronization, and a
 * transaction manager that does not manage txmsg's DataSource (JTA, Spring Data's
 * {@code ChainedTransactionManager} included): the log row would commit on its own.
 */
public final class SpringLocalTransactions implements LocalTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(SpringLocalTransactions.class);
    private static final Set<String> ORM_HOLDERS = Set.of("org.springframework.orm.jpa.EntityManagerHolder",
        "org.springframework.orm.hibernate5.SessionHolder");

    private final PlatformTransactionManager transactionManager;
    private final DataSource dataSource;
    private final boolean observable;
    private final DefaultTransactionDefinition own;
    private final DefaultTransactionDefinition nested;
    private final DefaultTransactionDefinition participate;

    /**
     * @param transactionManager the application's transaction manager for {@code dataSource}
     * @param dataSource         the DataSource it manages, where the log table lives
     * @throws IllegalArgumentException if the transaction manager visibly manages another resource
     *                                  (another DataSource, JTA)
     * @throws IllegalStateException    on Spring Framework before 6.2, whose transactions do not report savepoints
     */
    public SpringLocalTransactions(PlatformTransactionManager transactionManager, DataSource dataSource) {
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
        Objects.requireNonNull(dataSource, "dataSource");
        requireManages(transactionManager, dataSource);
        requireSavepointCallbacks();
        // The connection txmsg uses is the one the transaction manager binds: its own DataSource
        // object, if it names one (the application may hand txmsg an unwrapped one).
        DataSource managed = managedDataSource(transactionManager);
        this.dataSource = managed != null ? managed : unwrapTransactionAware(dataSource);
        this.observable = transactionManager instanceof ConfigurableTransactionManager;
        if (transactionManager instanceof ConfigurableTransactionManager configurable) {
            CompletingTransactions.observe(configurable, this.dataSource);
        }
        this.own = definition(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.nested = definition(TransactionDefinition.PROPAGATION_NESTED);
        this.participate = definition(TransactionDefinition.PROPAGATION_MANDATORY);
    }

    private static DefaultTransactionDefinition definition(int propagation) {
        DefaultTransactionDefinition d = new DefaultTransactionDefinition(propagation);
        d.setName("txmsg");
        return d;
    }

    private static void requireSavepointCallbacks() {
        try {
            TransactionSynchronization.class.getMethod("savepointRollback", Object.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("txmsg needs Spring Framework 6.2 or newer (Spring Boot 3.4+): older versions do not "
                + "report savepoints to transaction synchronizations, and a send in a NESTED scope rolled back later would be "
                + "delivered anyway", e);
        }
    }

    /**
     * Checks that {@code transactionManager} manages {@code dataSource}, where it says which
     * resource it manages.
     *
     * @throws IllegalArgumentException naming both otherwise
     */
    public static void requireManages(PlatformTransactionManager transactionManager, DataSource dataSource) {
        String type = transactionManager.getClass().getName();
        if (type.startsWith("org.springframework.transaction.jta.") || type.endsWith(".ChainedTransactionManager")) {
            throw new IllegalArgumentException("txmsg does not run on " + transactionManager.getClass().getSimpleName()
                + ": its log row must commit in a local transaction of its DataSource, whose outcome the transaction manager "
                + "reports. Give txmsg a DataSourceTransactionManager (or JpaTransactionManager) for " + dataSource + ".");
        }
        DataSource managed = managedDataSource(transactionManager);
        if (managed != null && unwrap(managed) != unwrap(dataSource)) {
            throw new IllegalArgumentException("the transaction manager " + transactionManager.getClass().getSimpleName()
                + " manages " + managed + ", not txmsg's DataSource " + dataSource + ": txmsg's log row would commit on its own, "
                + "apart from the business data. Give txmsg the transaction manager of its DataSource.");
        }
    }

    /**
     * Whether {@code transactionManager} says it manages {@code dataSource}, or a wrapper of it
     * (DataSource and JPA transaction managers say which DataSource they manage; others do not).
     */
    public static boolean manages(PlatformTransactionManager transactionManager, DataSource dataSource) {
        DataSource managed = managedDataSource(transactionManager);
        return managed != null && unwrap(managed) == unwrap(dataSource);
    }

    /** The DataSource a transaction manager manages, when it says so (DataSource and JPA transaction managers), else null. */
    private static DataSource managedDataSource(PlatformTransactionManager tm) {
        try {
            Method getter = tm.getClass().getMethod("getDataSource");
            if (DataSource.class.isAssignableFrom(getter.getReturnType())) {
                return (DataSource) getter.invoke(tm);
            }
        } catch (ReflectiveOperationException e) {
            // no such getter: look at the resource factory
        }
        if (tm instanceof ResourceTransactionManager rtm && rtm.getResourceFactory() instanceof DataSource ds) {
            return ds;
        }
        return null;
    }

    /** The DataSource under any Spring wrappers (delegating, transaction-aware, lazy, infrastructure proxies). */
    private static DataSource unwrap(DataSource ds) {
        Object d = ds;
        for (int i = 0; i < 16; i++) {
            if (d instanceof DelegatingDataSource delegating && delegating.getTargetDataSource() != null) {
                d = delegating.getTargetDataSource();
            } else if (d instanceof InfrastructureProxy proxy && proxy.getWrappedObject() instanceof DataSource wrapped) {
                d = wrapped;
            } else {
                break;
            }
        }
        return (DataSource) d;
    }

    private static DataSource unwrapTransactionAware(DataSource ds) {
        DataSource d = ds;
        while (d instanceof org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy proxy
            && proxy.getTargetDataSource() != null) {
            d = proxy.getTargetDataSource();
        }
        return d;
    }

    /** What a send does about the transaction it finds. */
    private enum Join {
        /** Join it under a savepoint (or, under JPA, take part in it). */
        JOIN,
        /** A transaction of its own. */
        OWN,
        /** A transaction runs on txmsg's connection without synchronization: its outcome would never be heard. */
        UNOBSERVABLE
    }

    private Join join() {
        if (!(TransactionSynchronizationManager.getResource(dataSource) instanceof ConnectionHolder holder)) {
            return Join.OWN;
        }
        try {
            // A connection bound outside any database transaction (a foreign transaction's
            // synchronization, a SUPPORTS scope) is in auto-commit: there is nothing to join.
            if (holder.getConnection().getAutoCommit()) {
                return Join.OWN;
            }
        } catch (SQLException e) {
            return Join.OWN;
        }
        if (CompletingTransactions.isCompleting(holder)) {
            return Join.OWN; // committed or rolled back already: afterCommit, afterCompletion
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            // During afterCompletion Spring has cleared the synchronizations but the transaction
            // still looks active: it is over. Otherwise the transaction manager runs without synchronization.
            return TransactionSynchronizationManager.isActualTransactionActive() ? Join.OWN : Join.UNOBSERVABLE;
        }
        return TransactionSynchronizationManager.isActualTransactionActive() ? Join.JOIN : Join.OWN;
    }

    @Override
    public void verifyBeforeSend() {
        switch (join()) {
            case UNOBSERVABLE -> throw new IllegalStateException("txmsg cannot send inside this transaction: it runs on txmsg's "
                + "DataSource without transaction synchronization (SYNCHRONIZATION_NEVER), so txmsg would never learn its "
                + "outcome. Nothing was written or sent.");
            case JOIN -> {
                if (TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
                    throw new IllegalStateException("txmsg cannot send inside a read-only transaction: its log row cannot be "
                        + "written there. Nothing was written or sent. Send from a read-write transaction, or outside one.");
                }
                if (!observable) {
                    throw new IllegalStateException("txmsg cannot join a transaction of " + transactionManager.getClass().getName()
                        + ": only Spring's AbstractPlatformTransactionManager reports when its transactions complete. Nothing "
                        + "was written or sent.");
                }
            }
            case OWN -> {
                // nothing to check
            }
        }
    }

    /**
     * Whether a JPA EntityManager (or Hibernate Session) takes part in the current transaction: a
     * JDBC savepoint would not undo its persistence context, whose pending changes would be flushed
     * at the outer commit after a rollback to the savepoint.
     */
    private static boolean ormSessionBound() {
        for (Object resource : TransactionSynchronizationManager.getResourceMap().values()) {
            for (Class<?> c = resource.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                if (ORM_HOLDERS.contains(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public LocalTransaction begin() throws SQLException {
        boolean joins = join() == Join.JOIN;
        JoinedSends sends = joins ? JoinedSends.current() : null;
        // Under JPA the send takes part in the surrounding transaction without a savepoint of its
        // own: an executor's failure then rolls back the whole transaction (it is marked
        // rollback-only), never a part that the persistence context would still flush.
        boolean participates = joins && ormSessionBound();
        TransactionDefinition definition = !joins ? own : participates ? participate : nested;
        TransactionStatus status = transactionManager.getTransaction(definition);
        try {
            Connection connection = DataSourceUtils.getConnection(dataSource);
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("the connection of txmsg's transaction is in auto-commit: the transaction "
                    + "manager " + transactionManager.getClass().getSimpleName() + " does not manage txmsg's DataSource "
                    + dataSource + ", so the log row would commit on its own. Nothing was committed; the message was rolled "
                    + "back. Give txmsg the transaction manager of its DataSource.");
            }
            if (joins) {
                sends.watch(connection);
            }
            // The savepoint just taken (if any) is where this send's log row begins.
            return new SpringTransaction(status, connection, sends, joins ? sends.mark() : 0, participates);
        } catch (RuntimeException | SQLException e) {
            transactionManager.rollback(status);
            throw e;
        }
    }

    /**
     * Whether the database aborted the transaction of {@code connection}. A question that cannot be
     * answered counts as yes: rolling back is always safe, while on PostgreSQL the failed question
     * may itself have aborted the transaction, whose COMMIT would then roll back without a word
     * while Spring reported it committed, and the message would follow.
     */
    static boolean aborted(Connection connection) {
        try {
            return dev.txmsg.rocketmq.tx.AbortedTransactions.isAborted(connection);
        } catch (SQLException e) {
            LOG.warn("could not ask the database whether it aborted the transaction; rolling it back", e);
            return true;
        }
    }

    private final class SpringTransaction implements LocalTransaction {
        private final TransactionStatus status;
        private final Connection connection;
        private final JoinedSends sends;
        private final long savepoint;
        private final boolean participates;

        SpringTransaction(TransactionStatus status, Connection connection, JoinedSends sends, long savepoint, boolean participates) {
            this.status = status;
            this.connection = connection;
            this.sends = sends;
            this.savepoint = savepoint;
            this.participates = participates;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public boolean joinsSurrounding() {
            return sends != null;
        }

        @Override
        public Outcome commit() {
            if (aborted(connection)) {
                // PostgreSQL aborted the transaction at an error the executor caught: a COMMIT would
                // roll it back without a word, a savepoint release would fail. Roll back (to the
                // savepoint, where the surrounding transaction goes on) and say so.
                rollback();
                return Outcome.ROLLED_BACK;
            }
            release();
            if (sends == null && status.isRollbackOnly()) {
                // An inner @Transactional call failed and marked the transaction: Spring would roll
                // back and throw UnexpectedRollbackException; roll back and say so instead.
                transactionManager.rollback(status);
                return Outcome.ROLLED_BACK;
            }
            try {
                transactionManager.commit(status);
            } catch (UnexpectedRollbackException e) {
                // A joined send whose savepoint was rolled back instead (the executor swallowed a
                // failed inner @Transactional call): its log row is gone.
                return Outcome.ROLLED_BACK;
            }
            return Outcome.COMMITTED;
        }

        @Override
        public void rollback() {
            release();
            if (participates) {
                // Without a savepoint of its own, the whole transaction must roll back, whatever
                // the transaction manager's globalRollbackOnParticipationFailure says.
                status.setRollbackOnly();
            }
            try {
                transactionManager.rollback(status);
            } catch (RuntimeException e) {
                LOG.warn("rollback failed; the database rolls the transaction back when the connection closes", e);
            }
        }

        @Override
        public void onSurroundingCompletion(Consumer<TransactionState> outcome) {
            if (sends == null) {
                throw new IllegalStateException("not inside a surrounding transaction");
            }
            sends.add(savepoint, outcome);
        }

        private void release() {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
    }
}
