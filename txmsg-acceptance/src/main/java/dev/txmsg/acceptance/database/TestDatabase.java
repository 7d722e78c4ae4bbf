package dev.txmsg.acceptance.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A fresh, real database for one test class: an in-memory H2, or a new database on the MariaDB at
 * 127.0.0.1:3306 or the PostgreSQL at 127.0.0.1:5432 (dropped on close). Each through a Hikari pool.
 */
public abstract class TestDatabase implements AutoCloseable {

    protected final HikariDataSource dataSource;

    protected TestDatabase(HikariDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A new in-memory H2 database (lock timeout 10 s, so that check-backs can wait for local transactions). */
    public static TestDatabase h2() {
        return new H2(UUID.randomUUID().toString().replace("-", ""));
    }

    /** A new database on the local MariaDB; see {@link MariaDb}. */
    public static TestDatabase mariaDb() {
        // InnoDB names the blocking transaction of every lock wait
        return new ServerDatabase(DatabaseServer.MARIADB, "mariadb", 24, "SELECT CONNECTION_ID()",
            thread -> "SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS w JOIN information_schema.INNODB_TRX b "
                + "ON b.trx_id = w.blocking_trx_id WHERE b.trx_mysql_thread_id = " + thread);
    }

    /** A new database on the local PostgreSQL; see {@link PostgreSql}. */
    public static TestDatabase postgreSql() {
        // PostgreSQL names the sessions blocking each waiting one. A smaller pool: the server's 100
        // connections are shared by two test JVMs, each with a database or two open.
        return new ServerDatabase(DatabaseServer.POSTGRESQL, "postgresql", 16, "SELECT pg_backend_pid()",
            pid -> "SELECT COUNT(*) FROM pg_stat_activity WHERE pid <> " + pid + " AND " + pid + " = ANY(pg_blocking_pids(pid))");
    }

    /** A new database of the same kind as this one. */
    public abstract TestDatabase another();

    /** The pooled DataSource. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Short name: h2, mariadb or postgresql. */
    public abstract String kind();

    /**
     * How many other transactions wait right now for a lock that {@code own}'s transaction holds:
     * the wait of the test's own transaction, not of anything else on the server.
     */
    public abstract long waitsOn(Connection own) throws SQLException;

    /** Runs DDL or DML. */
    public void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A single long value, or -1 if no row. */
    public long queryLong(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The database's clock, to the millisecond. */
    public java.time.Instant now() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT CURRENT_TIMESTAMP(3)")) {
            rs.next();
            return rs.getTimestamp(1).toInstant();
        } catch (SQLException e) {
            throw new IllegalStateException("reading the database's clock", e);
        }
    }

    /** A single string value, or null if no row. */
    public String queryString(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return kind();
    }

    static HikariDataSource pool(String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(10_000);
        config.setPoolName("txmsg-test");
        return new HikariDataSource(config);
    }

    private static final class H2 extends TestDatabase {
        H2(String name) {
            super(pool("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000", "sa", "", 24));
        }

        @Override
        public TestDatabase another() {
            return h2();
        }

        @Override
        public String kind() {
            return "h2";
        }

        /**
         * H2 names the blocker of a row-lock wait (an update), but not of an insert that waits for
         * an uncommitted row with the same key: in this test class's own in-memory database, while
         * {@code own} holds uncommitted changes, another session still executing an insert into
         * txmsg's tables is one that waits for it.
         */
        @Override
        public long waitsOn(Connection own) throws SQLException {
            long session;
            try (Statement s = own.createStatement(); ResultSet rs = s.executeQuery("SELECT SESSION_ID()")) {
                rs.next();
                session = rs.getLong(1);
            }
            if (queryLong("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = " + session
                + " AND CONTAINS_UNCOMMITTED") == 0) {
                return 0;
            }
            return queryLong("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> " + session
                + " AND (BLOCKER_ID = " + session + " OR (SESSION_STATE = 'RUNNING' AND EXECUTING_STATEMENT LIKE 'INSERT INTO txmsg_%'))");
        }
    }

    /**
     * A database of its own on a server ({@link DatabaseServer}), dropped on close. A lock wait is
     * found from the server's own view of who blocks whom: {@code ownSession} names the test's
     * session, {@code blockedBy} counts the sessions that session blocks.
     */
    private static final class ServerDatabase extends TestDatabase {
        private final DatabaseServer server;
        private final String database;
        private final String kind;
        private final String ownSession;
        private final java.util.function.LongFunction<String> blockedBy;

        private ServerDatabase(DatabaseServer server, String kind, int poolSize, String ownSession,
            java.util.function.LongFunction<String> blockedBy) {
            this(server, "txmsg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12), kind, poolSize, ownSession,
                blockedBy);
        }

        private ServerDatabase(DatabaseServer server, String database, String kind, int poolSize, String ownSession,
            java.util.function.LongFunction<String> blockedBy) {
            super(createAndPool(server, database, poolSize));
            this.server = server;
            this.database = database;
            this.kind = kind;
            this.ownSession = ownSession;
            this.blockedBy = blockedBy;
        }

        private static HikariDataSource createAndPool(DatabaseServer server, String database, int poolSize) {
            server.createDatabase(database);
            return pool(server.url(database), server.user(), server.password(), poolSize);
        }

        @Override
        public TestDatabase another() {
            return new ServerDatabase(server, kind, dataSource.getMaximumPoolSize(), ownSession, blockedBy);
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public long waitsOn(Connection own) throws SQLException {
            long session;
            try (Statement s = own.createStatement(); ResultSet rs = s.executeQuery(ownSession)) {
                rs.next();
                session = rs.getLong(1);
            }
            return queryLong(blockedBy.apply(session));
        }

        @Override
        public void close() {
            super.close();
            server.dropDatabase(database);
        }
    }
}
