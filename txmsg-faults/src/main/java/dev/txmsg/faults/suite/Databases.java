package dev.txmsg.faults.suite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.txmsg.demo.MariaDb;

/**
 * The suite's databases, one per service, on MariaDB ({@link MariaDb}) or PostgreSQL
 * ({@code TXMSG_POSTGRES_HOST} 127.0.0.1:5432, {@code _USER} txmsg, {@code _PASSWORD} txmsg: the
 * role {@code .ci/run} creates).
 */
final class Databases {

    /** The servers the suite runs on. */
    enum Server {
        MARIADB("MariaDB", "mariadb"), POSTGRESQL("PostgreSQL", "postgresql");

        final String display;
        final String option;

        Server(String display, String option) {
            this.display = display;
            this.option = option;
        }

        static Server of(String option) {
            for (Server s : values()) {
                if (s.option.equals(option)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("--db must be mariadb or postgresql, was " + option);
        }

        String url(String database) {
            if (this == MARIADB) {
                return MariaDb.url(database);
            }
            return "jdbc:postgresql://" + env("TXMSG_POSTGRES_HOST", "127.0.0.1:5432") + "/" + (database.isEmpty() ? "postgres" : database)
                + "?connectTimeout=5";
        }

        String user() {
            return this == MARIADB ? MariaDb.user() : env("TXMSG_POSTGRES_USER", "txmsg");
        }

        String password() {
            return this == MARIADB ? MariaDb.password() : env("TXMSG_POSTGRES_PASSWORD", "txmsg");
        }

        Connection connect(String database) throws SQLException {
            return DriverManager.getConnection(url(database), user(), password());
        }

        boolean reachable() {
            try (Connection c = connect("")) {
                return c.isValid(5);
            } catch (SQLException e) {
                return false;
            }
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v;
        }
    }

    final Server server;
    final String order;
    final String account;

    Databases(Server server, String suffix) {
        this.server = server;
        this.order = "txmsg_faults_order_" + suffix;
        this.account = "txmsg_faults_account_" + suffix;
    }

    void create() throws SQLException {
        execute("", "CREATE DATABASE " + order);
        execute("", "CREATE DATABASE " + account);
    }

    void drop() throws SQLException {
        String force = server == Server.POSTGRESQL ? " WITH (FORCE)" : "";
        execute("", "DROP DATABASE IF EXISTS " + order + force);
        execute("", "DROP DATABASE IF EXISTS " + account + force);
    }

    /** Kills every connection to {@code database} from an administrative connection; returns how many. */
    int killConnections(String database) throws SQLException {
        if (server == Server.POSTGRESQL) {
            try (Connection c = server.connect("");
                 PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                     + "WHERE datname = ? AND pid <> pg_backend_pid()")) {
                s.setString(1, database);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        }
        List<Long> ids = new ArrayList<>();
        try (Connection c = server.connect(""); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '" + database
                + "' AND ID <> CONNECTION_ID()")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            int killed = 0;
            for (long id : ids) {
                try {
                    s.execute("KILL " + id);
                    killed++;
                } catch (SQLException e) {
                    // gone already
                }
            }
            return killed;
        }
    }

    Set<String> strings(String database, String sql) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    long count(String database, String sql) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void execute(String database, String sql) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
