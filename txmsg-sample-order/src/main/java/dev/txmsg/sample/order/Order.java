package dev.txmsg.sample.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An order as the API shows it: amounts always with two decimals.
 *
 * @param id        opaque id
 * @param accountId the paying account
 * @param amount    the amount
 * @param status    PENDING, PAID or CANCELLED
 * @param reason    why the account service cancelled it (for example {@code insufficient funds
 *                  (balance 5.00)}); absent from the JSON unless CANCELLED
 */
public record Order(String id, String accountId, BigDecimal amount, Status status,
                    @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {

    public Order {
        amount = amount.setScale(2, RoundingMode.UNNECESSARY);
    }

    /** A new order, PENDING. */
    static Order pending(String id, String accountId, BigDecimal amount) {
        return new Order(id, accountId, amount, Status.PENDING, null);
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
