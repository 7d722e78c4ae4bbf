package dev.txmsg.sample.account;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * An account as the API shows it: the balance always with two decimals.
 *
 * @param id      opaque id, at most 64 characters
 * @param balance the balance, never negative
 */
public record Account(String id, BigDecimal balance) {

    public Account {
        balance = balance.setScale(2, RoundingMode.UNNECESSARY);
    }
}
