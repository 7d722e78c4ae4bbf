package dev.txmsg.sample.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An order as the API shows it: amounts always with two decimals.
 *
 * @param id        opaque id
 * @param accountId the paying account
 * @param amount    the amount
 * @param status    PENDING, PAID or CANCELLED
 */
public record Order(String id, String accountId, BigDecimal amount, Status status) {

    public Order {
        amount = amount.setScale(2, RoundingMode.UNNECESSARY);
    }

    /** Where an order stands. */
    public enum Status {
        /** Placed; the account service has not answered yet. */
        PENDING,
        /** The account was debited. */
        PAID,
        /** The account service rejected it. */
        CANCELLED
    }
}
