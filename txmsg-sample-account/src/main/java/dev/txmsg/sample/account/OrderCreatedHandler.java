package dev.txmsg.sample.account;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.ConsumeContext;
import dev.txmsg.api.consume.MessageHandler;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.consume.TxMsgListener;

/**
 * Pays new orders. txmsg runs this handler once per order, in one local transaction with its
 * consume-log row; the debit and the answer (sent through txmsg inside that same transaction)
 * commit together, and the answer reaches the broker only after the commit.
 */
@Component
@TxMsgListener(consumerGroup = "account-service", topic = Events.ORDER_EVENTS, tags = Events.ORDER_CREATED)
class OrderCreatedHandler implements MessageHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OrderCreatedHandler.class);

    private final AccountRepository accounts;
    private final TransactionalSender sender;

    OrderCreatedHandler(AccountRepository accounts, TransactionalSender sender) {
        this.accounts = accounts;
        this.sender = sender;
    }

    @Override
    public void handle(ReceivedMessage message, ConsumeContext context) {
        Events.OrderCreated order = message.payload(Events.OrderCreated.class);
        if (accounts.debit(order.accountId(), order.amount())) {
            reply(order, Events.ACCOUNT_DEBITED, null);
            LOG.info("order {}: debited {} from account {}", order.orderId(), order.amount(), order.accountId());
            return;
        }
        String reason = accounts.find(order.accountId())
            .map(a -> "insufficient funds (balance " + a.balance().toPlainString() + ")")
            .orElse("unknown account " + order.accountId());
        reply(order, Events.ACCOUNT_REJECTED, reason);
        LOG.info("order {}: rejected ({}), account {}", order.orderId(), reason, order.accountId());
    }

    private void reply(Events.OrderCreated order, String tag, String reason) {
        TxMessage answer = TxMessage.builder(Events.ACCOUNT_EVENTS).tag(tag).key(order.orderId())
            .payload(new Events.AccountReply(order.orderId(), order.accountId(), order.amount(), reason))
            .build();
        // Joins the handler's transaction: nothing extra to write, the debit above is the business change.
        sender.send(answer, (ctx, arg) -> { });
    }
}
