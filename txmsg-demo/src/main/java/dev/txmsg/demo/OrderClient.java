package dev.txmsg.demo;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the two sample services as an operator's script or a test drives them: orders are
 * placed with an Idempotency-Key and retried with it until the service answers, so that a crash
 * or restart of the service neither loses nor duplicates an order.
 */
public final class OrderClient {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final Supplier<String> orderService;
    private final Supplier<String> accountService;

    /**
     * @param orderService   the order service's base URL (asked at each call: it may move)
     * @param accountService the account service's base URL
     */
    public OrderClient(Supplier<String> orderService, Supplier<String> accountService) {
        this.orderService = orderService;
        this.accountService = accountService;
    }

    /**
     * Opens an account.
     *
     * @throws IllegalStateException if the service does not answer 201
     */
    public void openAccount(String id, BigDecimal balance) {
        Http.Response opened = Http.post(accountService.get() + "/accounts", "{\"id\":\"" + id + "\",\"balance\":" + balance + "}", null);
        if (opened.status() != 201) {
            throw new IllegalStateException("opening account " + id + " answered " + opened.status() + ": " + opened.body());
        }
    }

    /** An account's balance. */
    public BigDecimal balance(String accountId) {
        return read(Http.get(accountService.get() + "/accounts/" + accountId).body()).get("balance").decimalValue();
    }

    /**
     * Places an order, retrying with the same Idempotency-Key while the service is down, restarting
     * or answers 5xx, for at most {@code patience}.
     *
     * @return the order's id
     * @throws IllegalStateException on a 4xx answer, or when patience runs out
     */
    public String place(String accountId, BigDecimal amount, String idempotencyKey, Duration patience) {
        String body = "{\"accountId\":\"" + accountId + "\",\"amount\":" + amount.toPlainString() + "}";
        long deadline = System.nanoTime() + patience.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Http.Response answer = Http.post(orderService.get() + "/orders", body, idempotencyKey);
                if (answer.status() == 201 || answer.status() == 200) {
                    JsonNode id = read(answer.body()).get("id");
                    if (id != null && id.isTextual()) {
                        return id.asText();
                    }
                    last = answer.status() + " without an order: " + answer.body(); // retried: the key makes it safe
                } else if (answer.status() < 500) {
                    throw new IllegalStateException("POST /orders " + body + " answered " + answer.status() + ": " + answer.body());
                } else {
                    last = answer.status() + " " + answer.body();
                }
            } catch (UncheckedIOException e) {
                last = e.getMessage(); // down or restarting: retry with the same key
            }
            ServiceProcess.sleepQuietly(Duration.ofMillis(200));
        }
        throw new IllegalStateException("order " + idempotencyKey + " could not be placed within " + patience + " (last: " + last + ")");
    }

    /** An order's status, or null if the service does not answer it now (down, restarting, or failing). */
    public String status(String orderId) {
        try {
            Http.Response r = Http.get(orderService.get() + "/orders/" + orderId);
            if (r.status() != 200) {
                return null;
            }
            JsonNode status = read(r.body()).get("status");
            if (status == null || !status.isTextual()) {
                System.err.println("GET /orders/" + orderId + " answered 200 without a status: " + r.body());
                return null;
            }
            return status.asText();
        } catch (UncheckedIOException | IllegalStateException e) {
            return null;
        }
    }

    /** An account's orders, id to order (status and amount), oldest first. */
    public Map<String, JsonNode> orders(String accountId) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode o : read(Http.get(orderService.get() + "/orders?accountId=" + accountId).body())) {
            out.put(o.get("id").asText(), o);
        }
        return out;
    }

    private static JsonNode read(String json) {
        try {
            return json == null || json.isBlank() ? JSON.missingNode() : JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
