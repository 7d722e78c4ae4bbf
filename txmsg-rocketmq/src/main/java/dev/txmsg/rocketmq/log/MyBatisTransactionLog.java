package dev.txmsg.rocketmq.log;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;

import dev.txmsg.api.FencedByCheckBackException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.LogEntry;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.jdbc.TableName;
import dev.txmsg.rocketmq.jdbc.SchemaInitializer;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.jdbc.MyBatisSupport;
import dev.txmsg.rocketmq.jdbc.Dialect;

/**
 * The transaction log in the application's database, through a MyBatis configuration private to
 * txmsg: it publishes no {@code SqlSessionFactory} and registers no mapper with the application,
 * so the application's own MyBatis set-up is untouched. It never opens a connection of its own
 * for the local transaction: {@link #append} runs on the connection it is given.
 *
 * <p>Check-back operations ({@link #find}, {@link #fence}) take a connection of their own from
 * the DataSource, each statement in a fresh transaction, so that they see what is committed now.
 */
public final class MyBatisTransactionLog implements TransactionLog {

    private static final String MAPPER = "dev/txmsg/rocketmq/log/TxLogMapper.xml";

    private final TableName table;
    private final Dialect dialect;
    private final MyBatisSupport mybatis;
    private final String identity;

    private MyBatisTransactionLog(Builder b) {
        this.table = b.table;
        try (Connection c = b.dataSource.getConnection()) {
            this.dialect = Dialect.of(c);
            Properties variables = new Properties();
            variables.setProperty("table", table.value());
            variables.setProperty("identityTable", table.identityTable());
            variables.setProperty("lockWaitSeconds", Long.toString(Math.max(1, (b.lockWait.toMillis() + 999) / 1000)));
            this.mybatis = new MyBatisSupport(b.dataSource, dialect, variables, MAPPER);
            new SchemaInitializer(table, dialect).initialize(c, b.schemaInitialization, table.value(), table.identityTable());
            this.identity = resolveIdentity(c);
        } catch (SQLException e) {
            throw new IllegalStateException("txmsg cannot open its transaction log (table " + table + "): " + e.getMessage(), e);
        }
    }

    /** Starts a log on {@code dataSource} with the defaults (table {@code txmsg_tx_log}, 5 s lock wait, embedded schema initialization). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    @Override
    public String identity() {
        return identity;
    }

    /** The log table's name. */
    public TableName table() {
        return table;
    }

    @Override
    public void append(Connection connection, String transactionId, String topic) throws SQLException {
        try (SqlSession session = mybatis.on(connection)) {
            session.getMapper(TxLogMapper.class).insert(transactionId, TransactionState.COMMITTED.name(), topic);
        } catch (PersistenceException e) {
            SQLException sql = MyBatisSupport.unwrap(e);
            if (dialect.isDuplicateKey(sql)) {
                throw new FencedByCheckBackException(transactionId, sql);
            }
            throw sql;
        }
    }

    /** One multi-row insert: the rows are taken, and their locks held, at once. */
    @Override
    public void append(Connection connection, List<LogEntry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        if (entries.size() == 1) {
            append(connection, entries.get(0).transactionId(), entries.get(0).topic());
            return;
        }
        try (SqlSession session = mybatis.on(connection)) {
            session.getMapper(TxLogMapper.class).insertAll(entries);
        } catch (PersistenceException e) {
            SQLException sql = MyBatisSupport.unwrap(e);
            if (dialect.isDuplicateKey(sql)) {
                // One statement: which of its rows met a check-back's row the database does not say.
                throw new FencedByCheckBackException(entries.get(0).transactionId(), sql);
            }
            throw sql;
        }
    }

    @Override
    public Set<String> written(Connection connection, Collection<String> transactionIds) throws SQLException {
        if (transactionIds.isEmpty()) {
            return Set.of();
        }
        try (SqlSession session = mybatis.on(connection)) {
            return Set.copyOf(session.getMapper(TxLogMapper.class).findWritten(transactionIds));
        } catch (PersistenceException e) {
            throw MyBatisSupport.unwrap(e);
        }
    }

    @Override
    public Optional<TransactionState> find(String transactionId) throws SQLException {
        String state = mybatis.inOwnTransaction(TxLogMapper.class, m -> m.findState(transactionId));
        return Optional.ofNullable(state).map(TransactionState::valueOf);
    }

    @Override
    public boolean fence(String transactionId, String topic) throws SQLException {
        try {
            mybatis.inOwnTransaction(TxLogMapper.class, m -> m.insertFence(transactionId, topic));
            return true;
        } catch (SQLException e) {
            if (dialect.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public int purge(Duration age, int limit) throws SQLException {
        if (age.isNegative() || limit < 1) {
            throw new IllegalArgumentException("purge needs a non-negative age and a positive limit, got " + age + ", " + limit);
        }
        return mybatis.inOwnTransaction(TxLogMapper.class, m -> m.purge(age.toSeconds(), limit));
    }

    @Override
    public java.util.List<dev.txmsg.api.spi.LogEntry> committed(Duration minAge, Duration maxAge, String after, int limit)
        throws SQLException {
        if (minAge.isNegative() || maxAge.compareTo(minAge) <= 0 || limit < 1) {
            throw new IllegalArgumentException("committed needs 0 <= minAge < maxAge and a positive limit, got " + minAge + ", "
                + maxAge + ", " + limit);
        }
        return mybatis.inOwnTransaction(TxLogMapper.class,
            m -> m.committed(minAge.toSeconds(), maxAge.toSeconds(), after == null ? "" : after, limit));
    }

    @Override
    public long size() throws SQLException {
        return mybatis.inOwnTransaction(TxLogMapper.class, TxLogMapper::countRows);
    }

    private String resolveIdentity(Connection c) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        try (SqlSession session = mybatis.on(c)) {
            TxLogMapper m = session.getMapper(TxLogMapper.class);
            String found = m.findIdentity();
            if (found == null) {
                try {
                    m.insertIdentity(UUID.randomUUID().toString());
                } catch (PersistenceException e) {
                    SQLException sql = MyBatisSupport.unwrap(e);
                    if (!dialect.isDuplicateKey(sql)) {
                        throw sql; // otherwise another instance inserted it first
                    }
                }
                if (!autoCommit) {
                    c.commit();
                }
                found = m.findIdentity();
            }
            if (!autoCommit) {
                c.commit();
            }
            return found;
        } catch (PersistenceException e) {
            throw MyBatisSupport.unwrap(e);
        }
    }

    /** Settings of a {@link MyBatisTransactionLog}. */
    public static final class Builder {
        private final DataSource dataSource;
        private TableName table = TableName.of(TableName.DEFAULT);
        private Duration lockWait = Duration.ofSeconds(5);
        private SchemaInitialization schemaInitialization = SchemaInitialization.EMBEDDED;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /** The log table's name (default {@code txmsg_tx_log}); validated by {@link TableName#of}. */
        public Builder table(String name) {
            this.table = TableName.of(name);
            return this;
        }

        /**
         * How long a check-back waits for a local transaction that holds the row before it answers
         * UNKNOWN (default 5 s; a JDBC statement timeout, so whole seconds, rounded up).
         */
        public Builder lockWait(Duration lockWait) {
            if (lockWait == null || lockWait.isZero() || lockWait.isNegative()) {
                throw new IllegalArgumentException("lockWait must be a positive duration, was " + lockWait);
            }
            this.lockWait = lockWait;
            return this;
        }

        /** When to create the tables (default {@link SchemaInitialization#EMBEDDED}). */
        public Builder schemaInitialization(SchemaInitialization mode) {
            this.schemaInitialization = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Connects, creates or checks the tables and reads (or creates) the log's identity.
         *
         * @throws IllegalStateException if the database is unreachable or a table is missing
         */
        public MyBatisTransactionLog build() {
            return new MyBatisTransactionLog(this);
        }
    }
}
