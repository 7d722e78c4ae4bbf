package dev.txmsg.faults.agent;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;

/**
 * F10, in the order service: an application that places an order inside a nested scope
 * ({@code PROPAGATION_NESTED}) of its transaction and then rolls that scope back, while the
 * transaction itself commits. The order's row is gone; its ORDER_CREATED must never be delivered
 * (the account service would debit money for an order that does not exist).
 */
final class NestedRollbacks {

    private final TransactionalSender sender;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate outer;
    private final TransactionTemplate nested;

    NestedRollbacks(TransactionalSender sender, JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
        this.sender = sender;
        this.jdbc = jdbc;
        this.outer = new TransactionTemplate(transactionManager);
        this.nested = new TransactionTemplate(transactionManager);
        nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** Places {@code count} orders for {@code accountId} in nested scopes that are rolled back; returns how many. */
    int run(String accountId, int count) {
        for (int i = 0; i < count; i++) {
            String orderId = "phantom-" + UUID.randomUUID();
            BigDecimal amount = new BigDecimal("1.00");
            TxMessage created = TxMessage.builder("ORDER_EVENTS").tag("ORDER_CREATED").key(orderId)
                .payload(Map.of("orderId", orderId, "accountId", accountId, "amount", amount)).build();
            outer.executeWithoutResult(transaction -> nested.executeWithoutResult(scope -> {
                sender.send(created, (ctx, id) -> jdbc.update(
                    "INSERT INTO orders (id, account_id, amount, status) VALUES (?, ?, ?, 'PENDING')", id, accountId, amount), orderId);
                scope.setRollbackOnly();
            }));
        }
        return count;
    }
}
