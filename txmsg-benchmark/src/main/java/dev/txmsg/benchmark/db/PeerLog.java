package dev.txmsg.benchmark.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * The small log table that a careful user of plain RocketMQ or rocketmq-spring writes beside the
 * business row, so that {@code checkLocalTransaction} has something to read.
 */
public final class PeerLog {

    static final String CREATE = "CREATE TABLE bench_peer_tx_log (tx_key VARCHAR(64) NOT NULL PRIMARY KEY, "
        + "created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))";
    static final String DROP = "DROP TABLE IF EXISTS bench_peer_tx_log";

    private PeerLog() {
    }

    /** Writes the row of {@code key} on the caller's connection and transaction. */
    public static void record(Connection connection, String key) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO bench_peer_tx_log (tx_key) VALUES (?)")) {
            s.setString(1, key);
            s.executeUpdate();
        }
    }

    /** Whether the row of {@code key} is committed. */
    public static boolean contains(DataSource dataSource, String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM bench_peer_tx_log WHERE tx_key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }
}
