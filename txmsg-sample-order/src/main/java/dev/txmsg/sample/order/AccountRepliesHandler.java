package dev.txmsg.sample.order;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.NonRetryableException;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.consume.TxMsgListener;

/** Settles orders from the account service's answers; txmsg applies each answer once. */
@Component
@TxMsgListener(consumerGroup = "order-service", topic = Events.ACCOUNT_EVENTS,
    tags = Events.ACCOUNT_DEBITED + " || " + Events.ACCOUNT_REJECTED)
class AccountRepliesHandler implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AccountRepliesHandler.class);

    private final OrderRepository orders;

    AccountRepliesHandler(OrderRepository orders) {
        this.orders = orders;
    }

    @Override
    public void handle(ReceivedMessage message, ConsumeContext context) {
        Events.AccountReply reply = message.payload(Events.AccountReply.class);
        Order.Status status = Events.ACCOUNT_DEBITED.equals(message.tag()) ? Order.Status.PAID : Order.Status.CANCELLED;
        if (orders.settle(reply.orderId(), status, status == Order.Status.CANCELLED ? reason(reply) : null)) {
            LOG.info("order {} {}{}", reply.orderId(), status, reply.reason() == null ? "" : " (" + reply.reason() + ")");
            return;
        }
        Order order = orders.find(reply.orderId())
            .orElseThrow(() -> new NonRetryableException("no order " + reply.orderId() + " for " + message.tag()));
        LOG.warn("order {} is already {}; ignored {}", order.id(), order.status(), message.tag());
    }

    /** The account service's reason, shortened to what the column holds. */
    private static String reason(Events.AccountReply reply) {
        String reason = reply.reason() == null ? "rejected by the account service" : reply.reason();
        return reason.length() <= 200 ? reason : reason.substring(0, 199) + "…";
    }
}
