package dev.txmsg.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where the end-to-end tests and the fault suite find MariaDB (or MySQL):
 * {@code TXMSG_MARIADB_HOST} (default 127.0.0.1:3306), {@code TXMSG_MARIADB_USER} (root),
 * {@code TXMSG_MARIADB_PASSWORD} (empty). The driver is the caller's (MySQL Connector/J).
 */
public final class MariaDb {

    private MariaDb() {
    }

    /** The JDBC URL of {@code database} ("" for none). */
    public static String url(String database) {
        return "jdbc:mysql://" + env("TXMSG_MARIADB_HOST", "127.0.0.1:3306") + "/" + database
            + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000";
    }

    public static String user() {
        return env("TXMSG_MARIADB_USER", "root");
    }

    public static String password() {
        return env("TXMSG_MARIADB_PASSWORD", "");
    }

    /** A connection to {@code database} ("" for none). */
    public static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), user(), password());
    }

    /** Whether the server answers. */
    public static boolean reachable() {
        try (Connection c = connect("")) {
            return c.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Why a run without it is skipped, and how to enable it. */
    public static String skipReason(String what) {
        return "MariaDB is not reachable on " + env("TXMSG_MARIADB_HOST", "127.0.0.1:3306") + " as " + user() + ": " + what
            + " skipped. Start MariaDB there (.ci/run does), or set TXMSG_MARIADB_HOST, TXMSG_MARIADB_USER and TXMSG_MARIADB_PASSWORD.";
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
