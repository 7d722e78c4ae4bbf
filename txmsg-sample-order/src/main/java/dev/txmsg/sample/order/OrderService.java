package dev.txmsg.sample.order;

import java.util.List;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Value;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;

/**
 * Places orders: the order row and its ORDER_CREATED event commit together, or neither does. With
 * {@code order.audit-events=true} an ORDER_AUDITED event goes out in the same transaction too
 * (two messages, all or none).
 */
@Service
class OrderService {

    private final TransactionalSender sender;
    private final OrderRepository orders;
    private final boolean auditEvents;

    OrderService(TransactionalSender sender, OrderRepository orders, @Value("${order.audit-events:false}") boolean auditEvents) {
        this.sender = sender;
        this.orders = orders;
        this.auditEvents = auditEvents;
    }

    /**
     * Places an order, or, for an Idempotency-Key seen before with the same request, returns the
     * order it placed (also when both requests race: the second waits on the key's unique index).
     *
     * @throws IdempotencyConflictException if the key was used with a different request
     */
    Placed place(OrderRequest request, String idempotencyKey) {
        Order order = Order.pending(UUID.randomUUID().toString(), request.accountId(), request.amount());
        TxMessage created = TxMessage.builder(Events.ORDER_EVENTS)
            .tag(Events.ORDER_CREATED)
            .key(order.id())
            .payload(new Events.OrderCreated(order.id(), order.accountId(), order.amount()))
            .build();
        try {
            if (auditEvents) {
                TxMessage audited = TxMessage.builder(Events.ORDER_EVENTS)
                    .tag(Events.ORDER_AUDITED)
                    .key(order.id())
                    .payload(new Events.OrderAudited(order.id(), order.accountId(), order.amount(), idempotencyKey))
                    .build();
                sender.send(List.of(created, audited), (ctx, o) -> orders.insert(o, idempotencyKey, request.fingerprint()), order);
            } else {
                sender.send(created, (ctx, o) -> orders.insert(o, idempotencyKey, request.fingerprint()), order);
            }
            return new Placed(order, true);
        } catch (DuplicateKeyException e) {
            if (idempotencyKey == null) {
                throw e;
            }
            OrderRepository.Keyed earlier = orders.findByIdempotencyKey(idempotencyKey).orElseThrow(() -> e);
            if (!earlier.fingerprint().equals(request.fingerprint())) {
                throw new IdempotencyConflictException("Idempotency-Key " + idempotencyKey + " was used for another request "
                    + "(order " + earlier.order().id() + "); use a new key for a new order");
            }
            return new Placed(earlier.order(), false);
        }
    }

    /** An order and whether this call created it. */
    record Placed(Order order, boolean created) {
    }

    /** The same Idempotency-Key with a different body. Answered 422. */
    static class IdempotencyConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdempotencyConflictException(String detail) {
            super(detail);
        }
    }
}
