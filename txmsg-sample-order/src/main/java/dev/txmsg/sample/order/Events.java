package dev.txmsg.sample.order;

import java.math.BigDecimal;

/** The events this service publishes and consumes (JSON bodies). */
final class Events {

    static final String ORDER_EVENTS = "ORDER_EVENTS";
    static final String ORDER_CREATED = "ORDER_CREATED";
    static final String ORDER_AUDITED = "ORDER_AUDITED";
    static final String ACCOUNT_EVENTS = "ACCOUNT_EVENTS";
    static final String ACCOUNT_DEBITED = "ACCOUNT_DEBITED";
    static final String ACCOUNT_REJECTED = "ACCOUNT_REJECTED";

    private Events() {
    }

    /** Published when an order is placed; the message key is the order id. */
    record OrderCreated(String orderId, String accountId, BigDecimal amount) {
    }

    /**
     * Published with ORDER_CREATED, in the same transaction, when {@code order.audit-events=true}:
     * the audit trail's record of a placed order.
     */
    record OrderAudited(String orderId, String accountId, BigDecimal amount, String idempotencyKey) {
    }

    /** The account service's answer: ACCOUNT_DEBITED, or ACCOUNT_REJECTED with a reason. */
    record AccountReply(String orderId, String accountId, BigDecimal amount, String reason) {
    }
}
