package dev.txmsg.faults.suite;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.txmsg.demo.ServiceProcess;

/**
 * What must hold at quiescence, read from both services and both databases: every order settled
 * PAID or CANCELLED; each account's balance equals its initial balance minus its PAID orders, and is
 * not negative; no order created twice; each order's event applied once by the account service
 * and each answer once by the order service; no message applied for a transaction that did not
 * commit; no dead letter waiting for an operator. With audit events, each order's second message
 * (ORDER_AUDITED) applied once, and none of an order that does not exist.
 */
final class Invariants {

    private Invariants() {
    }

    /**
     * Waits (up to {@code patience}) for every order to settle and for every retry already scheduled
     * to have run: a delivery whose commit looked failed but had committed leaves a RETRYING record
     * that its redelivery (one backoff later) finds applied and removes, so a RETRYING record is not
     * quiescence yet.
     *
     * @return the orders still not settled
     */
    static List<String> awaitSettled(Cluster c, Map<String, List<String>> placed, Duration patience) {
        List<String> all = placed.values().stream().flatMap(List::stream).toList();
        long deadline = System.nanoTime() + patience.toNanos();
        List<String> pending = pending(c, all);
        while ((!pending.isEmpty() || retrying(c) > 0) && System.nanoTime() < deadline) {
            ServiceProcess.sleepQuietly(Duration.ofMillis(500));
            pending = pending(c, all);
        }
        return pending;
    }

    private static long retrying(Cluster c) {
        String retrying = "SELECT COUNT(*) FROM txmsg_dead_letter WHERE status = 'RETRYING'";
        try {
            return c.db.count(c.db.order, retrying) + c.db.count(c.db.account, retrying);
        } catch (SQLException e) {
            return 1; // the database is being faulted: asked again
        }
    }

    /**
     * Checks, once the orders settled (or did not: {@code unsettled}).
     *
     * @param initial the iteration's accounts and their opening balances
     * @param placed  the iteration's orders, by account
     * @return the inconsistencies found, empty if none
     */
    static List<String> check(Cluster c, Map<String, BigDecimal> initial, Map<String, List<String>> placed, List<String> unsettled)
        throws SQLException {
        List<String> problems = new ArrayList<>();
        unsettled.forEach(id -> problems.add("order " + id + " is not settled after 3 minutes"));

        for (Map.Entry<String, BigDecimal> account : initial.entrySet()) {
            Map<String, JsonNode> orders = c.client.orders(account.getKey());
            Set<String> expected = new HashSet<>(placed.getOrDefault(account.getKey(), List.of()));
            if (!orders.keySet().equals(expected)) {
                problems.add("account " + account.getKey() + " has orders " + orders.keySet() + ", placed " + expected);
            }
            BigDecimal paid = orders.values().stream().filter(o -> o.get("status").asText().equals("PAID"))
                .map(o -> o.get("amount").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal balance = c.client.balance(account.getKey());
            if (balance.compareTo(account.getValue().subtract(paid)) != 0) {
                problems.add("account " + account.getKey() + ": balance " + balance + " != opening " + account.getValue()
                    + " - paid " + paid);
            }
            if (balance.signum() < 0) {
                problems.add("account " + account.getKey() + " is negative: " + balance);
            }
        }

        long orders = c.db.count(c.db.order, "SELECT COUNT(*) FROM orders");
        long created = c.db.count(c.db.account, "SELECT COUNT(*) FROM txmsg_consume_log WHERE consumer_group = 'account-service'");
        long answered = c.db.count(c.db.order, "SELECT COUNT(*) FROM txmsg_consume_log WHERE consumer_group = 'order-service'");
        if (created != orders) {
            problems.add("the account service applied " + created + " ORDER_CREATED events for " + orders + " orders");
        }
        if (answered != orders) {
            problems.add("the order service applied " + answered + " answers for " + orders + " orders");
        }
        notCommitted(c, problems, c.db.account, "account-service", c.db.order);
        notCommitted(c, problems, c.db.order, "order-service", c.db.account);
        if (c.auditEvents) {
            // Two messages per order (ORDER_CREATED and ORDER_AUDITED, one transaction): both or neither.
            long audited = c.db.count(c.db.order, "SELECT COUNT(*) FROM order_audit");
            long auditApplied = c.db.count(c.db.order, "SELECT COUNT(*) FROM txmsg_consume_log WHERE consumer_group = 'order-audit'");
            long phantom = c.db.count(c.db.order,
                "SELECT COUNT(*) FROM order_audit a LEFT JOIN orders o ON o.id = a.order_id WHERE o.id IS NULL");
            if (audited != orders) {
                problems.add(audited + " audit records for " + orders + " orders");
            }
            if (auditApplied != orders) {
                problems.add("the audit trail applied " + auditApplied + " ORDER_AUDITED events for " + orders + " orders");
            }
            if (phantom > 0) {
                problems.add(phantom + " audit records of orders that do not exist");
            }
        }
        // A dead letter that a later delivery applied (APPLIED: once, through the consume log) needs no
        // operator; one still DEAD or RETRYING after the orders settled does.
        String pending = "SELECT COUNT(*) FROM txmsg_dead_letter WHERE status IN ('DEAD', 'RETRYING')";
        long dead = c.db.count(c.db.order, pending) + c.db.count(c.db.account, pending);
        if (dead > 0) {
            problems.add(dead + " dead letters waiting for an operator");
        }
        return problems;
    }

    /** Messages a group applied must come from transactions its producer committed (its log, or its outbox's published rows). */
    private static void notCommitted(Cluster c, List<String> problems, String consumerDb, String group, String producerDb)
        throws SQLException {
        Set<String> applied = c.db.strings(consumerDb, "SELECT message_key FROM txmsg_consume_log WHERE consumer_group = '" + group + "'");
        Set<String> committed = new HashSet<>(c.db.strings(producerDb, "SELECT tx_id FROM txmsg_tx_log WHERE state = 'COMMITTED'"));
        // outbox mode: a published row is a committed transaction's (the services keep them for an hour)
        committed.addAll(c.db.strings(producerDb, "SELECT tx_id FROM txmsg_outbox WHERE status = 'PUBLISHED'"));
        applied.removeAll(committed);
        applied.forEach(key -> problems.add(group + " applied message " + key + ", whose transaction is not committed"));
    }

    private static long auditRows(Cluster c, String orderId) {
        try {
            return c.db.count(c.db.order, "SELECT COUNT(*) FROM order_audit WHERE order_id = '" + orderId + "'");
        } catch (SQLException e) {
            return 0; // the database is being faulted: asked again
        }
    }

    private static List<String> pending(Cluster c, List<String> ids) {
        List<String> pending = new ArrayList<>();
        for (String id : ids) {
            String status = c.client.status(id);
            if (!"PAID".equals(status) && !"CANCELLED".equals(status)) {
                pending.add(id);
            } else if (c.auditEvents && auditRows(c, id) == 0) {
                pending.add(id); // its second message, ORDER_AUDITED, is still on its way
            }
        }
        return pending;
    }
}
