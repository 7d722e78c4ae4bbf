package dev.txmsg.sample.order;

import java.util.List;
import java.util.Optional;

import jakarta.annotation.PostConstruct;

import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The orders table. */
@Repository
class OrderRepository {

    private static final RowMapper<Order> ORDER = (rs, n) -> new Order(rs.getString("id"), rs.getString("account_id"),
        rs.getBigDecimal("amount"), Order.Status.valueOf(rs.getString("status")), rs.getString("reason"));

    private final JdbcTemplate jdbc;

    OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * An orders table created by an earlier version (a kept H2 file, a Docker volume) has no reason
     * column: add it. Written without {@code IF NOT EXISTS}, which MySQL 8 does not know.
     */
    @PostConstruct
    void addReasonToAnOlderTable() {
        try {
            jdbc.queryForList("SELECT reason FROM orders WHERE 1 = 0");
        } catch (BadSqlGrammarException noSuchColumn) {
            jdbc.execute("ALTER TABLE orders ADD COLUMN reason VARCHAR(200) NULL");
        }
    }

    /** Inserts a pending order; a repeated Idempotency-Key fails on its unique index. */
    void insert(Order order, String idempotencyKey, String fingerprint) {
        jdbc.update("INSERT INTO orders (id, account_id, amount, status, idempotency_key, request_fingerprint) VALUES (?, ?, ?, ?, ?, ?)",
            order.id(), order.accountId(), order.amount(), order.status().name(), idempotencyKey, fingerprint);
    }

    Optional<Order> find(String id) {
        return jdbc.query("SELECT id, account_id, amount, status, reason FROM orders WHERE id = ?", ORDER, id).stream().findFirst();
    }

    /** The order placed under an Idempotency-Key, with the fingerprint of the request that placed it. */
    Optional<Keyed> findByIdempotencyKey(String key) {
        return jdbc.query("SELECT id, account_id, amount, status, reason, request_fingerprint FROM orders WHERE idempotency_key = ?",
            (rs, n) -> new Keyed(ORDER.mapRow(rs, n), rs.getString("request_fingerprint")), key).stream().findFirst();
    }

    /** An account's orders, oldest first. */
    List<Order> findByAccount(String accountId) {
        return jdbc.query("SELECT id, account_id, amount, status, reason FROM orders WHERE account_id = ? ORDER BY seq", ORDER, accountId);
    }

    /** Moves a pending order to {@code status}, with the reason if any; returns whether it was pending. */
    boolean settle(String id, Order.Status status, String reason) {
        return jdbc.update("UPDATE orders SET status = ?, reason = ? WHERE id = ? AND status = 'PENDING'", status.name(), reason, id) == 1;
    }

    /** An order with the fingerprint of the request that created it. */
    record Keyed(Order order, String fingerprint) {
    }
}
