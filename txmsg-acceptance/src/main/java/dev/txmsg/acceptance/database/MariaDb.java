package dev.txmsg.acceptance.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the MariaDB leg of the tests finds its server: {@code TXMSG_MARIADB_HOST} (default
 * 127.0.0.1:3306), {@code TXMSG_MARIADB_USER} (root), {@code TXMSG_MARIADB_PASSWORD} (empty).
 * Without a reachable server the leg is skipped, except under {@code CI=true}, where it is required.
 */
public final class MariaDb {

    private static volatile Boolean reachable;
    private static volatile String failure;

    private MariaDb() {
    }

    static String host() {
        return env("TXMSG_MARIADB_HOST", "127.0.0.1:3306");
    }

    static String user() {
        return env("TXMSG_MARIADB_USER", "root");
    }

    static String password() {
        return env("TXMSG_MARIADB_PASSWORD", "");
    }

    static String url(String database) {
        return "jdbc:mysql://" + host() + "/" + database + "?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000";
    }

    /** Whether the CI run demands every leg. */
    public static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Whether a MariaDB (or MySQL) server answers; checked once. */
    public static boolean reachable() {
        if (reachable == null) {
            try (Connection c = DriverManager.getConnection(url(""), user(), password())) {
                reachable = c.isValid(5);
            } catch (SQLException e) {
                failure = e.getMessage();
                reachable = false;
            }
        }
        return reachable;
    }

    /** Why it is unreachable, and how to enable it. */
    public static String unreachableReason() {
        return "MariaDB is not reachable on " + host() + " as " + user() + " (" + failure + "): the MariaDB leg is skipped. "
            + "Start MariaDB there (.ci/run does), or set TXMSG_MARIADB_HOST, TXMSG_MARIADB_USER and TXMSG_MARIADB_PASSWORD.";
    }

    static void createDatabase(String name) {
        adminExecute("CREATE DATABASE " + name);
    }

    static void dropDatabase(String name) {
        adminExecute("DROP DATABASE IF EXISTS " + name);
    }

    private static void adminExecute(String sql) {
        if (!reachable()) {
            throw new IllegalStateException((required() ? "CI=true requires MariaDB. " : "") + unreachableReason());
        }
        try (Connection c = DriverManager.getConnection(url(""), user(), password()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
