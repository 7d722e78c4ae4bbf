package dev.txmsg.benchmark.db;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;

/** The business SQL every scenario runs: one order row. */
public final class OrderTable {

    static final String CREATE = "CREATE TABLE bench_order (id BIGINT NOT NULL PRIMARY KEY, customer VARCHAR(64) NOT NULL, "
        + "amount DECIMAL(12,2) NOT NULL, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))";
    static final String DROP = "DROP TABLE IF EXISTS bench_order";
    private static final String INSERT = "INSERT INTO bench_order (id, customer, amount) VALUES (?, ?, ?)";

    private OrderTable() {
    }

    /** Inserts order {@code id} on the caller's connection and transaction. */
    public static void insert(Connection connection, long id) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(INSERT)) {
            s.setLong(1, id);
            s.setString(2, customer(id));
            s.setBigDecimal(3, amount(id));
            s.executeUpdate();
        }
    }

    /** Inserts order {@code id} through Spring, in the transaction bound to the thread. */
    public static void insert(JdbcTemplate jdbc, long id) {
        jdbc.update(INSERT, id, customer(id), amount(id));
    }

    /** Inserts order {@code id} in a transaction of its own and commits. */
    public static void insertAndCommit(DataSource dataSource, long id) throws SQLException {
        Jdbc.inTransaction(dataSource, c -> insert(c, id));
    }

    private static String customer(long id) {
        return "customer-" + (id % 1000);
    }

    private static BigDecimal amount(long id) {
        return BigDecimal.valueOf(1000 + id % 9000, 2);
    }
}
