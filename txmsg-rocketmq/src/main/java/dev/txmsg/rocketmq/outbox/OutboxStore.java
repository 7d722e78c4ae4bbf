package dev.txmsg.rocketmq.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import javax.sql.DataSource;

import org.apache.rocketmq.common.message.MessageDecoder;

import dev.txmsg.api.ops.OutboxMessage;
import dev.txmsg.api.ops.Query;
import dev.txmsg.rocketmq.jdbc.Dialect;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.jdbc.SchemaInitializer;
import dev.txmsg.rocketmq.jdbc.TableName;
import dev.txmsg.rocketmq.wire.WireFormat;

/**
 * The outbox of one producer group, in plain JDBC (the insert is on every send's path: one statement, no mapper):
 * {@value #TABLE} (one row per message), {@value #LEASES} (which relay publishes which partition,
 * until when) and {@value #RELAYS} (which relays live). Every time is the database's clock, so that
 * the relays of several machines agree on it.
 *
 * <p>The relay's own statements run on connections of its own, at READ COMMITTED with auto-commit
 * off: a relay must never see a row of a transaction that has not committed.
 */
public final class OutboxStore {

    /** The outbox table. */
    public static final String TABLE = "txmsg_outbox";
    /** The partition leases. */
    public static final String LEASES = "txmsg_outbox_lease";
    /** The live relays. */
    public static final String RELAYS = "txmsg_outbox_relay";

    static final String PENDING = OutboxMessage.Status.PENDING.name();
    static final String FAILED = OutboxMessage.Status.FAILED.name();
    static final String DISCARDED = OutboxMessage.Status.DISCARDED.name();

    private static final String INSERT = "INSERT INTO " + TABLE
        + " (tx_id, producer_group, partition_no, topic, tag, message_keys, order_key, body, properties, status) VALUES ";
    private static final String INSERT_VALUES = "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')";
    /** A pending row {@code o} whose ordering key has no FAILED row: not held back. */
    private static final String NOT_HELD = "(o.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM " + TABLE + " f WHERE "
        + "f.producer_group = o.producer_group AND f.partition_no = o.partition_no AND f.status = 'FAILED' AND f.order_key = o.order_key))";
    private static final int MAX_CAUSE_CHARS = 8000;
    private static final int MAX_RESOLUTION_CHARS = 1024;

    private final DataSource dataSource;
    private final String group;
    private final Dialect dialect;
    private final String now;
    private final String leaseNow;
    private volatile long leaseTtlMicros = 10_000_000;

    /**
     * The outbox of producer group {@code group} on {@code dataSource} (the groups of several
     * services may share the tables), its tables created if {@code initialization} says so.
     *
     * @throws IllegalStateException if a table is missing, saying how to create it
     */
    public OutboxStore(DataSource dataSource, String group, SchemaInitialization initialization) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.group = Objects.requireNonNull(group, "group");
        try (Connection c = dataSource.getConnection()) {
            this.dialect = Dialect.of(c);
            new SchemaInitializer(TableName.of(TableName.DEFAULT), dialect).initialize(c, initialization, TABLE, LEASES, RELAYS);
        } catch (SQLException e) {
            throw new IllegalStateException("txmsg's outbox tables could not be checked: " + e.getMessage(), e);
        }
        this.now = dialect.now();
        this.leaseNow = dialect.utcNow();
    }

    /** The lease time a claim renews its partitions for (the relay's {@code leaseTtl}). */
    public void leaseTtl(Duration ttl) {
        this.leaseTtlMicros = ttl.toNanos() / 1000;
    }

    /** A message as the send writes it. */
    public record NewRow(String transactionId, int partition, String topic, String tag, String keys, String orderKey, byte[] body,
                         String properties) {
    }

    /** A message as the relay reads it. */
    public record Row(long id, String transactionId, int partition, String topic, String orderKey, byte[] body, String properties, int attempts,
                      Timestamp createdAt) {
    }

    /** Writes {@code rows} in the caller's transaction, in order, in one statement. */
    public void insert(Connection c, List<NewRow> rows) throws SQLException {
        // PostgreSQL's protocol takes at most 65,535 parameters per statement (9 per row here)
        for (int from = 0; from < rows.size(); from += INSERT_CHUNK) {
            insertChunk(c, rows.subList(from, Math.min(rows.size(), from + INSERT_CHUNK)));
        }
    }

    private static final int INSERT_CHUNK = 1000;

    private void insertChunk(Connection c, List<NewRow> rows) throws SQLException {
        StringBuilder sql = new StringBuilder(INSERT.length() + rows.size() * (INSERT_VALUES.length() + 2)).append(INSERT);
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(INSERT_VALUES);
        }
        try (PreparedStatement s = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (NewRow r : rows) {
                s.setString(p++, r.transactionId());
                s.setString(p++, group);
                s.setInt(p++, r.partition());
                s.setString(p++, r.topic());
                s.setString(p++, r.tag());
                s.setString(p++, r.keys());
                s.setString(p++, r.orderKey());
                s.setBytes(p++, r.body());
                s.setString(p++, r.properties());
            }
            s.executeUpdate();
        }
    }

    /**
     * One heartbeat of relay {@code owner}: says it lives, renews its leases, takes free partitions
     * up to its fair share of the live relays and gives back what it holds beyond it. It never
     * waits for a lease row another transaction holds ({@code FOR UPDATE SKIP LOCKED}): a row the
     * relay's own claim holds is renewed by the claim, a row being published by another relay is
     * not free, and a partition to give back that is being published is given back at the next beat.
     *
     * @return the partitions it holds now, and those among them it is giving back (it should claim
     *         them no more, so that the next beat finds them unlocked)
     */
    public Leases heartbeat(String owner, int partitions, Duration ttl) throws SQLException {
        long micros = ttl.toNanos() / 1000;
        return inOwnTransaction(c -> {
            ensurePartitions(c, partitions);
            String until = until(micros);
            if (update(c, "UPDATE " + RELAYS + " SET expires_at = " + until + " WHERE owner = ?", owner) == 0) {
                update(c, "INSERT INTO " + RELAYS + " (owner, producer_group, expires_at) VALUES (?, ?, " + until + ")", owner, group);
            }
            List<Integer> renew = lockedWithoutWaiting(c, "owner = ? AND expires_at > " + leaseNow, owner);
            updatePartitions(c, "expires_at = " + until, renew);
            int live;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + RELAYS + " WHERE producer_group = ? AND expires_at > "
                + leaseNow)) {
                s.setString(1, group);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    live = Math.max(1, rs.getInt(1));
                }
            }
            TreeSet<Integer> mine = new TreeSet<>();
            int free = 0;
            try (PreparedStatement s = c.prepareStatement("SELECT partition_no, owner, CASE WHEN expires_at > " + leaseNow
                + " THEN 1 ELSE 0 END FROM " + LEASES + " WHERE producer_group = ? AND partition_no < ? ORDER BY partition_no")) {
                s.setString(1, group);
                s.setInt(2, partitions);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        boolean held = rs.getString(2) != null && rs.getInt(3) == 1;
                        if (held && owner.equals(rs.getString(2))) {
                            mine.add(rs.getInt(1));
                        } else if (!held) {
                            free++;
                        }
                    }
                }
            }
            int fair = (partitions + live - 1) / live;
            if (mine.size() < fair && free > 0) {
                List<Integer> take = lockedWithoutWaiting(c, "partition_no < " + partitions
                    + " AND (owner IS NULL OR expires_at IS NULL OR expires_at <= " + leaseNow + ")", null);
                take = take.subList(0, Math.min(take.size(), fair - mine.size()));
                if (!take.isEmpty()) {
                    try (PreparedStatement s = c.prepareStatement("UPDATE " + LEASES + " SET owner = ?, expires_at = " + until
                        + " WHERE producer_group = ? AND partition_no IN (" + marks(take.size()) + ")")) {
                        int p = 1;
                        s.setString(p++, owner);
                        s.setString(p++, group);
                        for (int partition : take) {
                            s.setInt(p++, partition);
                        }
                        s.executeUpdate();
                    }
                    mine.addAll(take);
                }
            }
            Set<Integer> releasing = new TreeSet<>();
            if (mine.size() > fair) {
                List<Integer> extra = new ArrayList<>(mine.descendingSet()).subList(0, mine.size() - fair);
                List<Integer> release = lockedWithoutWaiting(c, "owner = ? AND partition_no IN (" + join(extra) + ")", owner);
                updatePartitions(c, "owner = NULL, expires_at = NULL", release);
                mine.removeAll(release);
                releasing.addAll(extra);
                releasing.removeAll(release); // being published now: given back at the next beat
            }
            return new Leases(Set.copyOf(mine), Set.copyOf(releasing));
        });
    }

    /**
     * A relay's leases after a heartbeat.
     *
     * @param held      the partitions it holds
     * @param releasing those of them it gives back as soon as no batch of its own holds them
     */
    public record Leases(Set<Integer> held, Set<Integer> releasing) {
    }

    /** The group's lease rows matching {@code where} that no other transaction holds, locked. */
    private List<Integer> lockedWithoutWaiting(Connection c, String where, String owner) throws SQLException {
        List<Integer> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT partition_no FROM " + LEASES + " WHERE producer_group = ? AND " + where
            + " ORDER BY partition_no FOR UPDATE SKIP LOCKED")) {
            s.setString(1, group);
            if (owner != null) {
                s.setString(2, owner);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
        }
        return out;
    }

    private void updatePartitions(Connection c, String set, List<Integer> partitions) throws SQLException {
        if (partitions.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("UPDATE " + LEASES + " SET " + set + " WHERE producer_group = ? AND partition_no IN ("
            + marks(partitions.size()) + ")")) {
            s.setString(1, group);
            for (int i = 0; i < partitions.size(); i++) {
                s.setInt(i + 2, partitions.get(i));
            }
            s.executeUpdate();
        }
    }

    private static String join(List<Integer> partitions) {
        StringBuilder s = new StringBuilder();
        for (int p : partitions) {
            s.append(s.length() == 0 ? "" : ", ").append(p);
        }
        return s.toString();
    }

    /** The lease clock plus {@code micros}, as SQL. */
    private String until(long micros) {
        return dialect.plusMicros(leaseNow, Long.toString(micros));
    }

    /**
     * Refuses a partition count under which messages would be stranded: messages wait in
     * partitions at or beyond {@code partitions} (written while more were configured).
     *
     * @throws IllegalStateException saying what to do
     */
    public void requireNothingBeyond(int partitions) throws SQLException {
        long stranded = inOwnTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MAX(partition_no) FROM " + TABLE
                + " WHERE producer_group = ? AND partition_no >= ? AND status IN ('PENDING', 'FAILED')")) {
                s.setString(1, group);
                s.setInt(2, partitions);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 0 ? 0L : rs.getLong(1) * 100_000 + rs.getInt(2);
                }
            }
        });
        if (stranded > 0) {
            throw new IllegalStateException(stranded / 100_000 + " outbox message(s) of producer group " + group + " wait in partitions up to "
                + (stranded % 100_000) + ", but txmsg.outbox.partitions is " + partitions + ": no relay would publish them. Start with "
                + "the partition count they were written with (at least " + (stranded % 100_000 + 1) + ") until the outbox is empty, "
                + "then change it with every instance stopped.");
        }
    }

    /**
     * Forgets relays of the group dead for an hour: read without locks, then deleted by key, so that
     * it never waits for (or deadlocks with) a live relay's heartbeat, which holds its own row.
     */
    public void forgetDeadRelays() throws SQLException {
        inOwnTransaction(c -> {
            List<String> dead = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT owner FROM " + RELAYS + " WHERE producer_group = ? AND expires_at < "
                + until(-3_600_000_000L))) {
                s.setString(1, group);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        dead.add(rs.getString(1));
                    }
                }
            }
            for (String owner : dead) {
                update(c, "DELETE FROM " + RELAYS + " WHERE owner = ? AND expires_at < " + until(-3_600_000_000L), owner);
            }
            return null;
        });
    }

    /** Relay {@code owner} stops: its leases are free at once, and it no longer counts as live. */
    public void leave(String owner) throws SQLException {
        inOwnTransaction(c -> {
            update(c, "UPDATE " + LEASES + " SET owner = NULL, expires_at = NULL WHERE producer_group = ? AND owner = ?", group, owner);
            update(c, "DELETE FROM " + RELAYS + " WHERE owner = ?", owner);
            return null;
        });
    }

    private void ensurePartitions(Connection c, int partitions) throws SQLException {
        int have;
        try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + LEASES + " WHERE producer_group = ? AND partition_no < ?")) {
            s.setString(1, group);
            s.setInt(2, partitions);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                have = rs.getInt(1);
            }
        }
        if (have >= partitions) {
            return;
        }
        Set<Integer> present = new java.util.HashSet<>();
        try (PreparedStatement s = c.prepareStatement("SELECT partition_no FROM " + LEASES + " WHERE producer_group = ?")) {
            s.setString(1, group);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getInt(1));
                }
            }
        }
        for (int p = 0; p < partitions; p++) {
            if (present.contains(p)) {
                continue;
            }
            // PostgreSQL ends a transaction at its first error: there the duplicate is no error at all
            String onConflict = dialect == Dialect.POSTGRESQL ? " ON CONFLICT DO NOTHING" : "";
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + LEASES + " (producer_group, partition_no) VALUES (?, ?)"
                + onConflict)) {
                s.setString(1, group);
                s.setInt(2, p);
                s.executeUpdate();
            } catch (SQLException e) {
                if (!dialect.isDuplicateKey(e)) {
                    throw e;
                }
                // another relay created it meanwhile: the heartbeat goes on (H2 and MySQL keep the transaction)
            }
        }
    }

    /** The partitions that have messages waiting (of any relay). */
    public Set<Integer> pendingPartitions() throws SQLException {
        return inOwnTransaction(c -> {
            Set<Integer> partitions = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT DISTINCT partition_no FROM " + TABLE
                + " WHERE producer_group = ? AND status = 'PENDING'")) {
                s.setString(1, group);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        partitions.add(rs.getInt(1));
                    }
                }
            }
            return partitions;
        });
    }

    /**
     * Claims the next messages of those of {@code partitions} whose lease relay {@code owner} holds,
     * in the order they were written: the lease rows stay locked until the claim is
     * {@linkplain Claim#finish finished} or {@linkplain Claim#close abandoned}, so that no other relay
     * takes a partition over while its batch is being published. One claim, one database
     * transaction, however many partitions it covers. Messages of an ordering key that has a FAILED
     * message are held back.
     *
     * @return the claim; its {@link Claim#lost()} names the partitions whose lease {@code owner} no longer holds
     */
    public Claim claim(String owner, Collection<Integer> partitions, int limit) throws SQLException {
        Connection c = dataSource.getConnection();
        Claim claim = null;
        try {
            claim = new Claim(c);
            List<Integer> ours = new ArrayList<>(partitions.size());
            List<Integer> stale = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT partition_no, owner, CASE WHEN expires_at > " + leaseNow
                + " THEN 1 ELSE 0 END, " + now + ", CASE WHEN expires_at < " + until(leaseTtlMicros / 2) + " THEN 1 ELSE 0 END FROM "
                + LEASES + " WHERE producer_group = ? AND partition_no IN (" + marks(partitions.size())
                + ") ORDER BY partition_no FOR UPDATE")) {
                int p = 1;
                s.setString(p++, group);
                for (int partition : partitions) {
                    s.setInt(p++, partition);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        claim.claimedAt = rs.getTimestamp(4);
                        if (owner.equals(rs.getString(2)) && rs.getInt(3) == 1) {
                            ours.add(rs.getInt(1));
                            if (rs.getInt(5) == 1) {
                                stale.add(rs.getInt(1));
                            }
                        }
                    }
                }
            }
            for (int partition : partitions) {
                if (!ours.contains(partition)) {
                    claim.lost.add(partition);
                }
            }
            if (ours.isEmpty()) {
                return claim;
            }
            // The claim holds these rows' locks, so the heartbeat skips them: renew here those past half their time.
            updatePartitions(c, "expires_at = " + until(leaseTtlMicros), stale);
            String sql = "SELECT o.id, o.tx_id, o.partition_no, o.topic, o.order_key, o.body, o.properties, o.attempts, o.created_at FROM "
                + TABLE + " o WHERE o.producer_group = ? AND o.partition_no IN (" + marks(ours.size()) + ") AND o.status = 'PENDING' AND "
                + NOT_HELD + " ORDER BY o.id LIMIT " + limit;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int p = 1;
                s.setString(p++, group);
                for (int partition : ours) {
                    s.setInt(p++, partition);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        claim.rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getString(5),
                            rs.getBytes(6), rs.getString(7), rs.getInt(8), rs.getTimestamp(9)));
                    }
                }
            }
            return claim;
        } catch (SQLException | RuntimeException e) {
            if (claim != null) {
                claim.close();
            } else {
                c.close();
            }
            throw e;
        }
    }

    private static String marks(int n) {
        return "?, ".repeat(n - 1) + "?";
    }

    /** A failed attempt at a message, as the relay records it. */
    public record Failure(long id, String cause, boolean giveUp) {
    }

    /** The claimed messages of some partitions, and the locks on their leases until the claim ends. */
    public final class Claim implements AutoCloseable {
        private final Connection connection;
        private final boolean restoreAutoCommit;
        private final int isolation;
        private final List<Row> rows = new ArrayList<>();
        private final Set<Integer> lost = new java.util.HashSet<>();
        private Timestamp claimedAt;
        private boolean ended;

        private Claim(Connection connection) throws SQLException {
            this.connection = connection;
            this.isolation = connection.getTransactionIsolation();
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            this.restoreAutoCommit = connection.getAutoCommit();
            if (restoreAutoCommit) {
                connection.setAutoCommit(false);
            }
        }

        /** The messages, in the order they were written. */
        public List<Row> rows() {
            return rows;
        }

        /** The partitions asked for whose lease the relay no longer holds. */
        public Set<Integer> lost() {
            return lost;
        }

        /** The database's time when the claim was made. */
        public Timestamp claimedAt() {
            return claimedAt;
        }

        /**
         * Ends the claim: deletes the published messages (or, {@code keep}, marks them PUBLISHED) and
         * records the failures, in one commit.
         *
         * @throws SQLException if that failed: the published messages stay and are published again
         *                      (consumers drop the copies)
         */
        public void finish(List<Long> published, List<Failure> failures, boolean keep) throws SQLException {
            try {
                for (int from = 0; from < published.size(); from += 500) {
                    List<Long> part = published.subList(from, Math.min(published.size(), from + 500));
                    try (PreparedStatement s = connection.prepareStatement((keep
                        ? "UPDATE " + TABLE + " SET status = 'PUBLISHED', published_at = " + now + " WHERE id IN ("
                        : "DELETE FROM " + TABLE + " WHERE id IN (") + "?, ".repeat(part.size() - 1) + "?)")) {
                        for (int i = 0; i < part.size(); i++) {
                            s.setLong(i + 1, part.get(i));
                        }
                        s.executeUpdate();
                    }
                }
                for (Failure f : failures) {
                    try (PreparedStatement s = connection.prepareStatement("UPDATE " + TABLE
                        + " SET attempts = attempts + 1, cause = ?, status = ? WHERE id = ? AND status = 'PENDING'")) {
                        s.setString(1, fit(f.cause(), MAX_CAUSE_CHARS));
                        s.setString(2, f.giveUp() ? FAILED : PENDING);
                        s.setLong(3, f.id());
                        s.executeUpdate();
                    }
                }
                connection.commit();
            } finally {
                close();
            }
        }

        /** Abandons the claim (rolls back): every message stays as it was. Idempotent. */
        @Override
        public void close() {
            if (ended) {
                return;
            }
            ended = true;
            try {
                connection.rollback();
            } catch (SQLException e) {
                // the connection is closed below: the database rolls back
            }
            try {
                if (restoreAutoCommit) {
                    connection.setAutoCommit(true);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    connection.setTransactionIsolation(isolation);
                }
            } catch (SQLException e) {
                // closed below
            }
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing more to do
            }
        }
    }

    /**
     * What waits: pending messages, the age of the oldest not held back behind a FAILED message of
     * its key (by the database's clock), failed messages.
     */
    public record Backlog(long pending, Duration oldestAge, long failed) {
    }

    /** The backlog now. */
    public Backlog backlog() throws SQLException {
        return inOwnTransaction(c -> {
            long pending;
            Duration age = Duration.ZERO;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*), MIN(CASE WHEN " + NOT_HELD + " THEN o.created_at END), "
                + now + " FROM " + TABLE + " o WHERE o.producer_group = ? AND o.status = 'PENDING'")) {
                s.setString(1, group);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    pending = rs.getLong(1);
                    Timestamp oldest = rs.getTimestamp(2);
                    if (oldest != null) {
                        age = Duration.ofMillis(Math.max(0, rs.getTimestamp(3).getTime() - oldest.getTime()));
                    }
                }
            }
            long failed;
            try (PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM " + TABLE
                + " WHERE producer_group = ? AND status = 'FAILED'")) {
                s.setString(1, group);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    failed = rs.getLong(1);
                }
            }
            return new Backlog(pending, age, failed);
        });
    }

    /** Messages not published (waiting, failed, discarded), newest first, as {@code query} narrows them (its group is ignored). */
    public List<OutboxMessage> list(Query query) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT tx_id, topic, tag, message_keys, partition_no, body, properties, created_at, "
            + "attempts, cause, status, resolution FROM ").append(TABLE).append(" WHERE producer_group = ? AND status <> 'PUBLISHED'");
        List<Object> args = new ArrayList<>();
        args.add(group);
        if (query.topic() != null) {
            sql.append(" AND topic = ?");
            args.add(query.topic());
        }
        if (query.from() != null) {
            sql.append(" AND created_at >= ?");
            args.add(Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            sql.append(" AND created_at < ?");
            args.add(Timestamp.from(query.to()));
        }
        sql.append(" ORDER BY id DESC LIMIT ").append(query.limit());
        return inOwnTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setObject(i + 1, args.get(i));
                }
                List<OutboxMessage> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(message(rs));
                    }
                }
                return out;
            }
        });
    }

    /** The message of transaction {@code transactionId}, if the outbox holds it. */
    public Optional<OutboxMessage> find(String transactionId) throws SQLException {
        return inOwnTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tx_id, topic, tag, message_keys, partition_no, body, properties, "
                + "created_at, attempts, cause, status, resolution FROM " + TABLE + " WHERE tx_id = ? AND producer_group = ?")) {
                s.setString(1, transactionId);
                s.setString(2, group);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(message(rs)) : Optional.empty();
                }
            }
        });
    }

    /** This group's messages that name {@code key} among their message keys, newest first. */
    public List<OutboxMessage> findByKey(String key, int limit) throws SQLException {
        return inOwnTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT tx_id, topic, tag, message_keys, partition_no, body, properties, "
                + "created_at, attempts, cause, status, resolution FROM " + TABLE + " WHERE producer_group = ? "
                + "AND CONCAT(' ', message_keys, ' ') LIKE ? ESCAPE '!' ORDER BY id DESC LIMIT " + limit)) {
                s.setString(1, group);
                s.setString(2, dev.txmsg.rocketmq.jdbc.KeyPattern.of(key));
                List<OutboxMessage> out = new ArrayList<>();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(message(rs));
                    }
                }
                return out;
            }
        });
    }

    /** Failed messages. */
    public long failedCount() throws SQLException {
        return backlog().failed();
    }

    /**
     * Makes a FAILED message pending again, its attempts reset.
     *
     * @return its partition, or empty if it was not FAILED
     */
    public Optional<Integer> replay(String transactionId, String resolution) throws SQLException {
        return inOwnTransaction(c -> {
            Optional<Integer> partition = partitionOf(c, transactionId);
            if (partition.isEmpty()) {
                return partition;
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TABLE
                + " SET status = 'PENDING', attempts = 0, resolution = ? WHERE tx_id = ? AND status = 'FAILED' AND producer_group = ?")) {
                s.setString(3, group);
                s.setString(1, fit(resolution, MAX_RESOLUTION_CHARS));
                s.setString(2, transactionId);
                return s.executeUpdate() == 1 ? partition : Optional.empty();
            }
        });
    }

    /**
     * Gives up on a FAILED message.
     *
     * @return its partition (whose held-back messages may go on), or empty if it was not FAILED
     */
    public Optional<Integer> discard(String transactionId, String resolution) throws SQLException {
        return inOwnTransaction(c -> {
            Optional<Integer> partition = partitionOf(c, transactionId);
            if (partition.isEmpty()) {
                return partition;
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE " + TABLE
                + " SET status = 'DISCARDED', resolution = ? WHERE tx_id = ? AND status = 'FAILED' AND producer_group = ?")) {
                s.setString(3, group);
                s.setString(1, fit(resolution, MAX_RESOLUTION_CHARS));
                s.setString(2, transactionId);
                return s.executeUpdate() == 1 ? partition : Optional.empty();
            }
        });
    }

    /**
     * Deletes published messages (kept as PUBLISHED) older than {@code age}, at most {@code limit}.
     *
     * @return how many
     */
    public int purgePublished(Duration age, int limit) throws SQLException {
        return inOwnTransaction(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE producer_group = ? AND status = 'PUBLISHED'"
                + " AND published_at < " + dialect.plusMicros(now, "?") + " ORDER BY id LIMIT " + limit)) {
                s.setString(1, group);
                s.setLong(2, -age.toNanos() / 1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id IN (" + marks(ids.size()) + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    s.setLong(i + 1, ids.get(i));
                }
                return s.executeUpdate();
            }
        });
    }

    /**
     * Deletes discarded messages older than {@code age}, at most {@code limit}.
     *
     * @return how many
     */
    public int purgeDiscarded(Duration age, int limit) throws SQLException {
        return inOwnTransaction(c -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + TABLE + " WHERE producer_group = ? AND status = 'DISCARDED'"
                + " AND created_at < " + dialect.plusMicros(now, "?") + " ORDER BY id LIMIT " + limit)) {
                s.setString(1, group);
                s.setLong(2, -age.toNanos() / 1000);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return 0;
            }
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id IN (" + "?, ".repeat(ids.size() - 1) + "?)")) {
                for (int i = 0; i < ids.size(); i++) {
                    s.setLong(i + 1, ids.get(i));
                }
                return s.executeUpdate();
            }
        });
    }

    private Optional<Integer> partitionOf(Connection c, String transactionId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT partition_no FROM " + TABLE
            + " WHERE tx_id = ? AND status = 'FAILED' AND producer_group = ?")) {
            s.setString(1, transactionId);
            s.setString(2, group);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getInt(1)) : Optional.empty();
            }
        }
    }

    private static OutboxMessage message(ResultSet rs) throws SQLException {
        Map<String, String> all = MessageDecoder.string2messageProperties(rs.getString(7));
        Map<String, String> user = new HashMap<>(WireFormat.userProperties(all));
        Timestamp created = rs.getTimestamp(8);
        return new OutboxMessage(rs.getString(1), rs.getString(2), rs.getString(3), WireFormat.keys(rs.getString(4)), rs.getInt(5),
            rs.getBytes(6), user, created == null ? Instant.EPOCH : created.toInstant(), rs.getInt(9), rs.getString(10),
            OutboxMessage.Status.valueOf(rs.getString(11)), rs.getString(12));
    }

    private static int update(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    /** The producer group whose outbox this is. */
    public String group() {
        return group;
    }

    /** At most {@code max} characters, NUL shown as {@code \0} (PostgreSQL's text columns refuse it). */
    private static String fit(String s, int max) {
        if (s == null) {
            return null;
        }
        String text = s.replace("\u0000", "\\0");
        return text.length() <= max ? text : text.substring(0, max);
    }

    private <T> T inOwnTransaction(SqlWork<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int isolation = c.getTransactionIsolation();
            boolean autoCommit = c.getAutoCommit();
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException r) {
                    e.addSuppressed(r);
                }
                throw e;
            } finally {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
                if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                    c.setTransactionIsolation(isolation);
                }
            }
        }
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
