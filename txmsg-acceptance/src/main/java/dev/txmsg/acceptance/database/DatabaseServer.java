package dev.txmsg.acceptance.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A database server a leg of the tests runs on: where it is (environment variables with defaults
 * that match {@code .ci/run}), whether it answers (checked once), and its administration (a
 * database per test class, created and dropped).
 */
final class DatabaseServer {

    /** MariaDB (or MySQL): {@code TXMSG_MARIADB_HOST} 127.0.0.1:3306, {@code _USER} root, {@code _PASSWORD} empty. */
    static final DatabaseServer MARIADB = new DatabaseServer("MariaDB", "TXMSG_MARIADB", "127.0.0.1:3306", "root",
        "jdbc:mysql://%s/%s?useSSL=false&allowPublicKeyRetrieval=true&connectTimeout=5000", "", "");

    /**
     * PostgreSQL: {@code TXMSG_POSTGRES_HOST} 127.0.0.1:5432, {@code _USER} txmsg, {@code _PASSWORD}
     * txmsg (the role {@code .ci/run} creates); administered through the {@code postgres} database.
     */
    static final DatabaseServer POSTGRESQL = new DatabaseServer("PostgreSQL", "TXMSG_POSTGRES", "127.0.0.1:5432", "txmsg",
        "jdbc:postgresql://%s/%s?connectTimeout=5", "postgres", " WITH (FORCE)");

    private final String name;
    private final String envPrefix;
    private final String defaultHost;
    private final String defaultUser;
    private final String urlFormat;
    private final String adminDatabase;
    private final String dropOptions;
    private volatile Boolean reachable;
    private volatile String failure;

    private DatabaseServer(String name, String envPrefix, String defaultHost, String defaultUser, String urlFormat,
        String adminDatabase, String dropOptions) {
        this.name = name;
        this.envPrefix = envPrefix;
        this.defaultHost = defaultHost;
        this.defaultUser = defaultUser;
        this.urlFormat = urlFormat;
        this.adminDatabase = adminDatabase;
        this.dropOptions = dropOptions;
    }

    /** The server's name, for messages. */
    String displayName() {
        return name;
    }

    String host() {
        return env(envPrefix + "_HOST", defaultHost);
    }

    String user() {
        return env(envPrefix + "_USER", defaultUser);
    }

    String password() {
        return env(envPrefix + "_PASSWORD", this == POSTGRESQL ? "txmsg" : "");
    }

    String url(String database) {
        return String.format(urlFormat, host(), database);
    }

    /** Whether the CI run demands every leg. */
    static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    boolean reachable() {
        if (reachable == null) {
            try (Connection c = DriverManager.getConnection(url(adminDatabase), user(), password())) {
                reachable = c.isValid(5);
            } catch (SQLException e) {
                failure = e.getMessage();
                reachable = false;
            }
        }
        return reachable;
    }

    String unreachableReason() {
        return name + " is not reachable on " + host() + " as " + user() + " (" + failure + "): the " + name + " leg is skipped. "
            + "Start " + name + " there (.ci/run does, and creates the user), or set " + envPrefix + "_HOST, " + envPrefix + "_USER and "
            + envPrefix + "_PASSWORD.";
    }

    void createDatabase(String database) {
        adminExecute("CREATE DATABASE " + database);
    }

    void dropDatabase(String database) {
        adminExecute("DROP DATABASE IF EXISTS " + database + dropOptions);
    }

    private void adminExecute(String sql) {
        if (!reachable()) {
            throw new IllegalStateException((required() ? "CI=true requires " + name + ". " : "") + unreachableReason());
        }
        try (Connection c = DriverManager.getConnection(url(adminDatabase), user(), password()); Statement s = c.createStatement()) {
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
