package dev.txmsg.sample.order;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** The orders table. */
@Repository
class OrderRepository {

    private static final RowMapper<Order> ORDER = (rs, n) -> new Order(rs.getString("id"), rs.getString("account_id"),
        rs.getBigDecimal("amount"), Order.Status.valueOf(rs.getString("status")));

    private final JdbcTemplate jdbc;

    OrderRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a pending order; a repeated Idempotency-Key fails on its unique index. */
    void insert(Order order, String idempotencyKey, String fingerprint) {
        jdbc.update("INSERT INTO orders (id, account_id, amount, status, idempotency_key, request_fingerprint) VALUES (?, ?, ?, ?, ?, ?)",
            order.id(), order.accountId(), order.amount(), order.status().name(), idempotencyKey, fingerprint);
    }

    Optional<Order> find(String id) {
        return jdbc.query("SELECT id, account_id, amount, status FROM orders WHERE id = ?", ORDER, id).stream().findFirst();
    }

    /** The order placed under an Idempotency-Key, with the fingerprint of the request that placed it. */
    Optional<Keyed> findByIdempotencyKey(String key) {
        return jdbc.query("SELECT id, account_id, amount, status, request_fingerprint FROM orders WHERE idempotency_key = ?",
            (rs, n) -> new Keyed(ORDER.mapRow(rs, n), rs.getString("request_fingerprint")), key).stream().findFirst();
    }

    /** An account's orders, oldest first. */
    List<Order> findByAccount(String accountId) {
        return jdbc.query("SELECT id, account_id, amount, status FROM orders WHERE account_id = ? ORDER BY seq", ORDER, accountId);
    }

    /** Moves a pending order to {@code status}; returns whether it was pending. */
    boolean settle(String id, Order.Status status) {
        return jdbc.update("UPDATE orders SET status = ? WHERE id = ? AND status = 'PENDING'", status.name(), id) == 1;
    }

    /** An order with the fingerprint of the request that created it. */
    record Keyed(Order order, String fingerprint) {
    }
}
