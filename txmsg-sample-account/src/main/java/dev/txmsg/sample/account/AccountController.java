package dev.txmsg.sample.account;

import java.math.BigDecimal;
import java.net.URI;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

/** The account API: open an account, look one up. */
@RestController
@RequestMapping("/accounts")
class AccountController {

    private static final int MAX_ID_LENGTH = 64;
    private static final BigDecimal MAX_BALANCE = new BigDecimal("999999999999.99");

    private final AccountRepository accounts;

    AccountController(AccountRepository accounts) {
        this.accounts = accounts;
    }

    @PostMapping
    ResponseEntity<Account> open(@RequestBody JsonNode body) {
        Account account = validated(body);
        try {
            accounts.insert(account);
        } catch (DuplicateKeyException e) {
            throw new ConflictException("account " + account.id() + " already exists");
        }
        return ResponseEntity.created(URI.create("/accounts/" + account.id())).body(account);
    }

    @GetMapping("/{id}")
    Account find(@PathVariable String id) {
        return accounts.find(id).orElseThrow(() -> new NotFoundException("account " + id + " not found"));
    }

    private static Account validated(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("the request body must be a JSON object with id and balance");
        }
        JsonNode id = body.get("id");
        if (id == null || !id.isTextual() || id.asText().isBlank()) {
            throw new BadRequestException("id must be a non-blank string");
        }
        if (id.asText().length() > MAX_ID_LENGTH) {
            throw new BadRequestException("id must be at most " + MAX_ID_LENGTH + " characters");
        }
        return new Account(id.asText(), balance(body.get("balance")));
    }

    private static BigDecimal balance(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BadRequestException("balance is required");
        }
        BigDecimal balance;
        try {
            balance = node.isNumber() ? node.decimalValue() : node.isTextual() ? new BigDecimal(node.asText().trim()) : null;
        } catch (NumberFormatException e) {
            balance = null;
        }
        if (balance == null) {
            throw new BadRequestException("balance must be a number");
        }
        if (balance.signum() < 0) {
            throw new BadRequestException("balance must not be negative, was " + balance.toPlainString());
        }
        if (balance.stripTrailingZeros().scale() > 2) {
            throw new BadRequestException("balance must have at most 2 decimal places, was " + balance.toPlainString());
        }
        if (balance.compareTo(MAX_BALANCE) > 0) {
            throw new BadRequestException("balance must be at most " + MAX_BALANCE.toPlainString());
        }
        return balance.setScale(2);
    }

    /** A request that cannot be served as sent. Answered 400. */
    static class BadRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequestException(String detail) {
            super(detail);
        }
    }

    /** An unknown id. Answered 404. */
    static class NotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String detail) {
            super(detail);
        }
    }

    /** An id that exists already. Answered 409. */
    static class ConflictException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ConflictException(String detail) {
            super(detail);
        }
    }
}
