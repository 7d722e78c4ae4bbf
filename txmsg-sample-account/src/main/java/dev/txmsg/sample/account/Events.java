package dev.txmsg.sample.account;

import java.math.BigDecimal;

/** The events this service consumes and publishes (JSON bodies). */
final class Events {

    static final String ORDER_EVENTS = "ORDER_EVENTS";
    static final String ORDER_CREATED = "ORDER_CREATED";
    static final String ACCOUNT_EVENTS = "ACCOUNT_EVENTS";
    static final String ACCOUNT_DEBITED = "ACCOUNT_DEBITED";
    static final String ACCOUNT_REJECTED = "ACCOUNT_REJECTED";

    private Events() {
    }

    /** A new order to pay. */
    record OrderCreated(String orderId, String accountId, BigDecimal amount) {
    }

    /** The answer: ACCOUNT_DEBITED, or ACCOUNT_REJECTED with a reason; the message key is the order id. */
    record AccountReply(String orderId, String accountId, BigDecimal amount, String reason) {
    }
}
