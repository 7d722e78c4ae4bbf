package dev.txmsg.rocketmq.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/** The databases txmsg ships schemas for, and what differs between them. */
public enum Dialect {
    MYSQL("mysql", "txmsg/schema/mysql.sql", false, "CURRENT_TIMESTAMP(3)", "UTC_TIMESTAMP(3)") {
        @Override
        public boolean isDuplicateKey(SQLException e) {
            return e.getErrorCode() == 1062;
        }
    },
    H2("h2", "txmsg/schema/h2.sql", true, "LOCALTIMESTAMP(3)", "LOCALTIMESTAMP(3)") {
        @Override
        public boolean isDuplicateKey(SQLException e) {
            return e.getErrorCode() == 23505 || "23505".equals(e.getSQLState());
        }
    },
    /**
     * PostgreSQL 13+. Its {@code CURRENT_TIMESTAMP} is the transaction's start, so times are the
     * statement's ({@code statement_timestamp()}, like MySQL's {@code CURRENT_TIMESTAMP}); the
     * columns are {@code TIMESTAMPTZ}, instants whatever the session's time zone.
     */
    POSTGRESQL("postgresql", "txmsg/schema/postgresql.sql", false, "statement_timestamp()", "statement_timestamp()") {
        @Override
        public boolean isDuplicateKey(SQLException e) {
            return "23505".equals(e.getSQLState()); // unique_violation; pgjdbc's error code is always 0
        }

        @Override
        public String plusMicros(String time, String micros) {
            return "(" + time + " + CAST(" + micros + " AS BIGINT) * INTERVAL '1 microsecond')";
        }
    };

    private final String databaseId;
    private final String schemaResource;
    private final boolean embedded;
    private final String now;
    private final String utcNow;

    Dialect(String databaseId, String schemaResource, boolean embedded, String now, String utcNow) {
        this.databaseId = databaseId;
        this.schemaResource = schemaResource;
        this.embedded = embedded;
        this.now = now;
        this.utcNow = utcNow;
    }

    /**
     * The SQL expression of the database's current time in milliseconds, free of the session's time
     * zone and of daylight-saving jumps where the database allows (for leases that several
     * machines compare): UTC on MySQL, an instant on PostgreSQL, the local time of the embedded H2.
     */
    public String utcNow() {
        return utcNow;
    }

    /** The SQL expression of the database's current time, in milliseconds, as its TIMESTAMP(3) columns hold it. */
    public String now() {
        return now;
    }

    /**
     * The SQL expression of {@code time} plus {@code micros} microseconds ({@code micros} an SQL
     * expression of an integer, a literal or a {@code ?} parameter).
     */
    public String plusMicros(String time, String micros) {
        return "TIMESTAMPADD(MICROSECOND, " + micros + ", " + time + ")";
    }

    /** Whether {@code e} (or a cause) says that a row with the same primary key exists. */
    public abstract boolean isDuplicateKey(SQLException e);

    public String databaseId() {
        return databaseId;
    }

    public String schemaResource() {
        return schemaResource;
    }

    /** The statements that upgrade txmsg 0.1's tables. */
    public String upgradeResource() {
        return "txmsg/schema/upgrade/0.1-to-0.2-" + databaseId + ".sql";
    }

    public boolean isEmbedded() {
        return embedded;
    }

    public static Dialect of(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("mysql") || p.contains("mariadb")) {
            return MYSQL;
        }
        if (p.contains("h2")) {
            return H2;
        }
        if (p.contains("postgresql")) {
            return POSTGRESQL;
        }
        throw new IllegalStateException("txmsg's transaction log supports MySQL, MariaDB, PostgreSQL and H2; the DataSource is "
            + product + ". Provide a TransactionLog of your own for other databases.");
    }
}
