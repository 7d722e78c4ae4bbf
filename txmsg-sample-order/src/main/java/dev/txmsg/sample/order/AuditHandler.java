package dev.txmsg.sample.order;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.consume.TxMsgListener;

/**
 * The audit trail ({@code order.audit-events=true}): one row per placed order, from the
 * ORDER_AUDITED event that its transaction published beside ORDER_CREATED; txmsg applies each once.
 */
@Component
@ConditionalOnProperty(name = "order.audit-events", havingValue = "true")
@TxMsgListener(consumerGroup = "order-audit", topic = Events.ORDER_EVENTS, tags = Events.ORDER_AUDITED)
class AuditHandler implements MessageHandler {

    private final JdbcTemplate jdbc;

    AuditHandler(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void handle(ReceivedMessage message, ConsumeContext context) {
        Events.OrderAudited audited = message.payload(Events.OrderAudited.class);
        jdbc.update("INSERT INTO order_audit (order_id, account_id, amount) VALUES (?, ?, ?)",
            audited.orderId(), audited.accountId(), audited.amount());
    }
}
