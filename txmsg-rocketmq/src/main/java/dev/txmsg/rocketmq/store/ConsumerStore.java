package dev.txmsg.rocketmq.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;

import dev.txmsg.api.ops.AuditEntry;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.MessageTrail;
import dev.txmsg.api.ops.Query;
import dev.txmsg.rocketmq.jdbc.TableName;
import dev.txmsg.rocketmq.jdbc.SchemaInitializer;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.jdbc.PurgeJob;
import dev.txmsg.rocketmq.jdbc.MyBatisSupport;
import dev.txmsg.rocketmq.jdbc.Dialect;
import dev.txmsg.rocketmq.jdbc.KeyPattern;

/**
 * The consumer side's tables, through txmsg's private MyBatis: the consume log (what each group
 * applied), dead letters, and in-doubt transactions.
 */
public final class ConsumerStore {

    private static final String MAPPER = "dev/txmsg/rocketmq/store/ConsumeMapper.xml";

    /** The consumer tables, as the schema files name them. */
    public static final List<String> TABLES = List.of("txmsg_consume_log", "txmsg_dead_letter", "txmsg_in_doubt", "txmsg_audit");

    private final Dialect dialect;
    private final MyBatisSupport mybatis;

    /** Opens the store on {@code dataSource}, creating the tables on an embedded database (H2) only. */
    public ConsumerStore(DataSource dataSource) {
        this(dataSource, SchemaInitialization.EMBEDDED);
    }

    /**
     * Opens the store, creating the tables first if {@code initialization} says so.
     *
     * @throws IllegalStateException if the database is unreachable or a table is missing
     */
    public ConsumerStore(DataSource dataSource, SchemaInitialization initialization) {
        Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection()) {
            this.dialect = Dialect.of(c);
            Properties variables = new Properties();
            variables.setProperty("now", dialect.now());
            this.mybatis = new MyBatisSupport(dataSource, dialect, variables, MAPPER);
            new SchemaInitializer(TableName.of(TableName.DEFAULT), dialect)
                .initialize(c, initialization, TABLES.toArray(String[]::new));
            requireCurrentKey(c);
        } catch (SQLException e) {
            throw new IllegalStateException("txmsg cannot open its consumer tables: " + e.getMessage(), e);
        }
    }

    /** Fails start-up on a consume log created by txmsg 0.1, whose key would de-duplicate by the wrong columns. */
    private void requireCurrentKey(Connection c) throws SQLException {
        java.util.Set<String> key = new java.util.HashSet<>();
        for (String table : List.of("txmsg_consume_log", "TXMSG_CONSUME_LOG")) {
            try (java.sql.ResultSet rs = c.getMetaData().getPrimaryKeys(c.getCatalog(), c.getSchema(), table)) {
                while (rs.next()) {
                    key.add(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (!key.isEmpty() && !key.contains("topic")) {
            throw new IllegalStateException("txmsg_consume_log still has the key of txmsg 0.1 " + key + "; txmsg 0.2 keys it by "
                + "(consumer_group, topic, message_key). Stop the consumers and run classpath:" + dialect.upgradeResource()
                + " (see the README, \"Upgrading from 0.1\").");
        }
    }

    /**
     * Claims a message for a group inside the handler's transaction: the consume-log row. If
     * another transaction holds the same key, waits for it.
     *
     * @return {@code true} if claimed, {@code false} if the group applied the message already
     */
    public boolean claim(Connection connection, String group, String key, String topic) throws SQLException {
        try (SqlSession session = mybatis.on(connection)) {
            session.getMapper(ConsumeMapper.class).claim(group, key, topic);
            return true;
        } catch (PersistenceException e) {
            SQLException sql = MyBatisSupport.unwrap(e);
            if (dialect.isDuplicateKey(sql)) {
                return false;
            }
            throw sql;
        }
    }

    /** Whether the group applied the message of {@code topic} with {@code key} (own transaction). */
    public boolean isConsumed(String group, String topic, String key) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.isConsumed(group, topic, key)) > 0;
    }

    /** Removes a retrying failure record inside the handler's transaction, once a retry succeeds. */
    public void clearRetrying(Connection connection, String group, String topic, String key) throws SQLException {
        try (SqlSession session = mybatis.on(connection)) {
            session.getMapper(ConsumeMapper.class).deleteRetrying(group, topic, key);
        } catch (PersistenceException e) {
            throw MyBatisSupport.unwrap(e);
        }
    }

    /** Removes a retrying failure record in a transaction of its own (the message turned out applied). */
    public void clearRetrying(String group, String topic, String key) throws SQLException {
        mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.deleteRetrying(group, topic, key));
    }

    /**
     * Purges consume-log rows older than {@code age}, up to {@code limit}. Purge through
     * {@link #consumeLog()}, which marks applied dead letters first.
     */
    public int purgeConsumed(Duration age, int limit) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.purgeConsumed(age.toSeconds(), limit));
    }

    /**
     * The consume log as a retention job's target: each run first marks the dead letters a later
     * delivery applied (see {@link #markAppliedDeadLetters()}), then purges.
     */
    public PurgeJob.Target consumeLog() {
        return new PurgeJob.Target() {
            @Override
            public void beforeRun() throws SQLException {
                markAppliedDeadLetters();
            }

            @Override
            public int purge(Duration age, int limit) throws SQLException {
                return purgeConsumed(age, limit);
            }

            @Override
            public long size() throws SQLException {
                return consumedRows();
            }
        };
    }

    /**
     * Marks APPLIED every DEAD letter whose message a later delivery applied (its consume-log row
     * exists): once that row is purged, nothing else would stop an operator's replay from applying
     * it a second time.
     *
     * @return how many were marked
     */
    public int markAppliedDeadLetters() throws SQLException {
        return mybatis.inOwnReadCommittedTransaction(ConsumeMapper.class, ConsumeMapper::markAppliedDeadLetters);
    }

    /**
     * Moves a DEAD letter to REPLAYED inside the replay's own transaction, before its handler runs:
     * the row stays locked until that transaction ends, so a discard racing the replay waits for it
     * and then finds it REPLAYED (or, if the replay failed, still DEAD).
     *
     * @return false if it was not DEAD (discarded or replayed meanwhile): the replay must not run
     */
    public boolean claimDeadLetterForReplay(Connection connection, long id, String resolution) throws SQLException {
        try (SqlSession session = mybatis.on(connection)) {
            return session.getMapper(ConsumeMapper.class).resolveDeadLetter(id, DeadLetter.Status.REPLAYED.name(), resolution) == 1;
        } catch (PersistenceException e) {
            throw MyBatisSupport.unwrap(e);
        }
    }

    /** Rows in the consume log. */
    public long consumedRows() throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, ConsumeMapper::countConsumed);
    }

    /**
     * Records a failed delivery (own transaction): inserted the first time, updated after (attempts,
     * cause, last failure), RETRYING or DEAD.
     */
    public void recordFailure(FailedDelivery failure) throws SQLException {
        DeadLetterRow row = Rows.deadLetterRow(failure);
        mybatis.inOwnTransaction(ConsumeMapper.class, m -> {
            if (m.updateFailure(row) == 0) {
                try {
                    m.insertDeadLetter(row);
                } catch (PersistenceException e) {
                    SQLException sql = MyBatisSupport.unwrap(e);
                    if (!dialect.isDuplicateKey(sql)) {
                        throw sql;
                    }
                    // Already resolved by an operator (REPLAYED or DISCARDED): keep that record.
                }
            }
            return null;
        });
    }

    /** A dead letter by id. */
    public Optional<DeadLetter> deadLetter(long id) throws SQLException {
        return Optional.ofNullable(mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findDeadLetter(id))).map(Rows::deadLetter);
    }

    /** Dead letters, newest failure first; {@code status} null for every status. */
    public List<DeadLetter> deadLetters(Query query, DeadLetter.Status status) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findDeadLetters(query, status == null ? null : status.name()))
            .stream().map(Rows::deadLetter).toList();
    }

    /** Moves a DEAD letter to REPLAYED or DISCARDED; false if it was not DEAD. */
    public boolean resolveDeadLetter(long id, DeadLetter.Status status, String resolution) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.resolveDeadLetter(id, status.name(), resolution)) == 1;
    }

    /** Records that a replay failed again. */
    public void failDeadLetterAgain(long id, String cause) throws SQLException {
        mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.failDeadLetterAgain(id, cause));
    }

    /** Dead letters waiting for an operator. */
    public long deadLetterCount() throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, ConsumeMapper::countDeadLetters);
    }

    /**
     * Records an exhausted half message and what was done with it ({@code recordedAt} is the database's now).
     *
     * @return false if it was recorded before (a redelivery of the same exhausted message)
     */
    public boolean recordInDoubt(InDoubtTransaction record) throws SQLException {
        InDoubtRow row = Rows.inDoubtRow(record);
        try {
            mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.insertInDoubt(row));
            return true;
        } catch (SQLException e) {
            if (dialect.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** An in-doubt record by transaction id. */
    public Optional<InDoubtTransaction> inDoubt(String txId) throws SQLException {
        return Optional.ofNullable(mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findInDoubt(txId))).map(Rows::inDoubt);
    }

    /** In-doubt records, newest first; {@code status} null for every status. */
    public List<InDoubtTransaction> inDoubts(Query query, InDoubtTransaction.Status status) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findInDoubts(query, status == null ? null : status.name()))
            .stream().map(Rows::inDoubt).toList();
    }

    /** Moves an IN_DOUBT record to REPLAYED or DISCARDED; false if it was not IN_DOUBT. */
    public boolean resolveInDoubt(String txId, InDoubtTransaction.Status status, String resolution) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.resolveInDoubt(txId, status.name(), resolution)) == 1;
    }

    /**
     * Replays an IN_DOUBT record: moves it to REPLAYED and runs {@code publish} in one transaction
     * that holds the record's row lock throughout, so that a discard racing the replay waits for it
     * and then finds it REPLAYED (or, if the publish failed, still IN_DOUBT).
     *
     * @return false if the record was not IN_DOUBT (nothing was published)
     * @throws RuntimeException what {@code publish} threw; the record stays IN_DOUBT
     */
    public boolean replayInDoubt(String txId, String resolution, Runnable publish) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> {
            if (m.resolveInDoubt(txId, InDoubtTransaction.Status.REPLAYED.name(), resolution) != 1) {
                return false;
            }
            publish.run();
            return true;
        });
    }

    /** In-doubt transactions waiting for an operator. */
    public long inDoubtCount() throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, ConsumeMapper::countInDoubt);
    }

    /** The consume-log row of a message applied by {@code group}, if it was. */
    public Optional<MessageTrail.Consumption> consumed(String group, String topic, String key) throws SQLException {
        return Optional.ofNullable(mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findConsumed(group, topic, key)))
            .map(r -> new MessageTrail.Consumption(r.consumerGroup, r.topic, r.messageKey, r.consumedAt));
    }

    /** Dead letters of the message whose de-duplication key is {@code key}, or that name {@code key} among their keys. */
    public List<DeadLetter> deadLettersOf(String key, int limit) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findDeadLettersOf(key, KeyPattern.of(key), limit))
            .stream().map(Rows::deadLetter).toList();
    }

    /** In-doubt records that name {@code key} among their message keys. */
    public List<InDoubtTransaction> inDoubtsByKey(String key, int limit) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findInDoubtsByKey(KeyPattern.of(key), limit))
            .stream().map(Rows::inDoubt).toList();
    }

    /**
     * Records that an operator action begins (outcome {@code PENDING}), in a transaction of its own:
     * no action runs unless it is recorded.
     *
     * @return the audit entry's id, for {@link #completeAudit(long, String)}
     */
    public long beginAudit(String actor, String action, String kind, String target, String reason) throws SQLException {
        AuditRow row = new AuditRow();
        row.actor = actor;
        row.action = action;
        row.kind = kind;
        row.target = target;
        row.reason = reason;
        row.outcome = "PENDING";
        mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.insertAudit(row));
        return row.id;
    }

    /** Records what an operator action came to. */
    public void completeAudit(long id, String outcome) throws SQLException {
        mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.completeAudit(id, outcome));
    }

    /** Operator actions, newest first. */
    public List<AuditEntry> audit(Query query) throws SQLException {
        return mybatis.inOwnTransaction(ConsumeMapper.class, m -> m.findAudit(query)).stream()
            .map(r -> new AuditEntry(r.id, r.actedAt, r.actor, r.action, r.kind, r.target, r.reason, r.outcome)).toList();
    }
}
