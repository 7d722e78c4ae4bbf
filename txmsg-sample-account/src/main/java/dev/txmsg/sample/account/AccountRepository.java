package dev.txmsg.sample.account;

import java.math.BigDecimal;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** The accounts table. */
@Repository
class AccountRepository {

    private final JdbcTemplate jdbc;

    AccountRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a new account; an existing id fails on the primary key. */
    void insert(Account account) {
        jdbc.update("INSERT INTO accounts (id, balance) VALUES (?, ?)", account.id(), account.balance());
    }

    Optional<Account> find(String id) {
        return jdbc.query("SELECT id, balance FROM accounts WHERE id = ?",
            (rs, n) -> new Account(rs.getString("id"), rs.getBigDecimal("balance")), id).stream().findFirst();
    }

    /** Debits {@code amount} if the balance covers it; returns whether it did. */
    boolean debit(String id, BigDecimal amount) {
        return jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?", amount, id, amount) == 1;
    }
}
