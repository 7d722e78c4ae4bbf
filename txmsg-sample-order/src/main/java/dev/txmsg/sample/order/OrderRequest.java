package dev.txmsg.sample.order;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A validated request to place an order. The amount is a number or a numeric string, positive,
 * with at most two decimal places once trailing zeros are stripped.
 */
record OrderRequest(String accountId, BigDecimal amount) {

    static final int MAX_ID_LENGTH = 64;
    private static final BigDecimal MAX_AMOUNT = new BigDecimal("9999999999.99");

    /**
     * Reads and checks a request body.
     *
     * @throws BadRequestException naming the field that is wrong
     */
    static OrderRequest from(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new BadRequestException("the request body must be a JSON object with accountId and amount");
        }
        JsonNode account = body.get("accountId");
        if (account == null || account.isNull()) {
            throw new BadRequestException("accountId is required");
        }
        if (!account.isTextual() || account.asText().isBlank()) {
            throw new BadRequestException("accountId must be a non-blank string");
        }
        if (account.asText().length() > MAX_ID_LENGTH) {
            throw new BadRequestException("accountId must be at most " + MAX_ID_LENGTH + " characters");
        }
        return new OrderRequest(account.asText(), amount(body.get("amount")));
    }

    private static BigDecimal amount(JsonNode node) {
        if (node == null || node.isNull()) {
            throw new BadRequestException("amount is required");
        }
        BigDecimal amount;
        if (node.isNumber()) {
            amount = node.decimalValue();
        } else if (node.isTextual()) {
            try {
                amount = new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                throw new BadRequestException("amount must be a number, was \"" + node.asText() + "\"");
            }
        } else {
            throw new BadRequestException("amount must be a number");
        }
        if (amount.signum() <= 0) {
            throw new BadRequestException("amount must be positive, was " + amount.toPlainString());
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new BadRequestException("amount must have at most 2 decimal places, was " + amount.toPlainString());
        }
        if (amount.compareTo(MAX_AMOUNT) > 0) {
            throw new BadRequestException("amount must be at most " + MAX_AMOUNT.toPlainString());
        }
        return amount.setScale(2);
    }

    /** A fingerprint of the request, to tell a repeat from a different request under the same Idempotency-Key. */
    String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((accountId + "\n" + amount.toPlainString()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
