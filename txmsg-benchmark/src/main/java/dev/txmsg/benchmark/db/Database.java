package dev.txmsg.benchmark.db;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;

/** The run's database: one connection pool shared by every scenario, and its tables. */
public final class Database implements AutoCloseable {

    private final DatabaseChoice choice;
    private final HikariDataSource pool;

    private Database(DatabaseChoice choice, HikariDataSource pool) {
        this.choice = choice;
        this.pool = pool;
    }

    /**
     * Connects (creating a MySQL database that does not exist yet) with a pool of {@code poolSize}
     * connections.
     *
     * @throws IllegalStateException if the database cannot be reached, saying where it was looked for
     */
    public static Database open(DatabaseChoice choice, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("txmsg-benchmark");
        config.setJdbcUrl(choice.url());
        config.setUsername(choice.user());
        config.setPassword(choice.password());
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(poolSize);
        try {
            if (choice.kind() == DatabaseChoice.Kind.POSTGRESQL) {
                createIfMissing(choice);
            }
            return new Database(choice, new HikariDataSource(config));
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach the database at " + choice.displayUrl() + " as " + choice.user()
                + " (" + rootMessage(e) + "). Start MySQL/MariaDB or PostgreSQL there, point --db at one (with "
                + "--db-user and --db-password), or run on an embedded database with --db h2.", e);
        }
    }

    /** PostgreSQL has no createDatabaseIfNotExist: created from its administrative database. */
    private static void createIfMissing(DatabaseChoice choice) {
        try (Connection c = java.sql.DriverManager.getConnection(choice.adminUrl(), choice.user(), choice.password());
             java.sql.PreparedStatement exists = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, choice.databaseName());
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE DATABASE " + choice.databaseName());
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The pool. */
    public DataSource dataSource() {
        return pool;
    }

    /** What a reader of the results needs to know: product, version, URL and the commit flush setting (MySQL, PostgreSQL). */
    public String describe() throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (choice.h2()) {
                DatabaseMetaData meta = c.getMetaData();
                return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " (embedded, "
                    + choice.displayUrl() + ")";
            }
            if (choice.kind() == DatabaseChoice.Kind.POSTGRESQL) {
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT version(), current_setting('synchronous_commit')")) {
                    rs.next();
                    String version = rs.getString(1);
                    return version.substring(0, version.indexOf(" on ") < 0 ? version.length() : version.indexOf(" on ")) + " ("
                        + choice.displayUrl() + ", synchronous_commit=" + rs.getString(2) + ")";
                }
            }
            // The driver calls MariaDB "MySQL 5.5.5-..."; the server names itself.
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT VERSION(), @@innodb_flush_log_at_trx_commit")) {
                rs.next();
                String version = rs.getString(1);
                String product = version.contains("MariaDB") ? "MariaDB" : "MySQL";
                return product + " " + version + " (" + choice.displayUrl() + ", innodb_flush_log_at_trx_commit="
                    + rs.getString(2) + ")";
            }
        }
    }

    /**
     * Creates the tables afresh: the order table and the peers' log table are dropped and created,
     * txmsg's tables are created if missing (txmsg's own schema file) and its log is emptied.
     */
    public void prepareTables() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute(OrderTable.DROP);
            s.execute(OrderTable.CREATE);
            s.execute(PeerLog.DROP);
            s.execute(PeerLog.CREATE);
        }
        MyBatisTransactionLog.builder(pool).schemaInitialization(SchemaInitialization.ALWAYS).build();
        emptyTables();
    }

    /**
     * Empties the order table and both logs, so that every measurement starts from the same tables:
     * otherwise a scenario measured late in the run inserts into tables millions of rows larger
     * than one measured early (with MariaDB, 30% fewer operations per second by the end of a full run).
     */
    public void emptyTables() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE TABLE bench_order");
            s.execute("TRUNCATE TABLE bench_peer_tx_log");
            s.execute("TRUNCATE TABLE txmsg_tx_log");
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
