package dev.txmsg.faults.suite;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.txmsg.demo.MariaDb;

/**
 * The suite's databases on {@link MariaDb}, one per service.
 */
final class Databases {

    final String order;
    final String account;

    Databases(String suffix) {
        this.order = "txmsg_faults_order_" + suffix;
        this.account = "txmsg_faults_account_" + suffix;
    }

    static String url(String database) {
        return MariaDb.url(database);
    }

    static boolean reachable() {
        return MariaDb.reachable();
    }

    void create() throws SQLException {
        execute("", "CREATE DATABASE " + order);
        execute("", "CREATE DATABASE " + account);
    }

    void drop() throws SQLException {
        execute("", "DROP DATABASE IF EXISTS " + order);
        execute("", "DROP DATABASE IF EXISTS " + account);
    }

    /** Kills every connection to {@code database} (KILL from an administrative connection); returns how many. */
    int killConnections(String database) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = MariaDb.connect(""); Statement s = c.createStatement()) {
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
        try (Connection c = MariaDb.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    long count(String database, String sql) throws SQLException {
        try (Connection c = MariaDb.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void execute(String database, String sql) throws SQLException {
        try (Connection c = MariaDb.connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
