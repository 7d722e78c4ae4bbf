package dev.txmsg.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** SQL helpers of the end-to-end tests, on {@link MariaDb}. */
final class MariaDbForE2E {

    private MariaDbForE2E() {
    }

    static void execute(String sql) throws SQLException {
        try (Connection c = MariaDb.connect(""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static List<Long> longs(String database, String sql) throws SQLException {
        try (Connection c = MariaDb.connect(database)) {
            return OrderFlowE2ETest.longs(c, sql);
        }
    }
}
