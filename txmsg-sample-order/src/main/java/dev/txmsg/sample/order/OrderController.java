package dev.txmsg.sample.order;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.databind.JsonNode;

/** The order API: place an order, look one up, list an account's orders. */
@RestController
@RequestMapping("/orders")
class OrderController {

    private static final int MAX_KEY_LENGTH = 128;

    private final OrderService service;
    private final OrderRepository orders;

    OrderController(OrderService service, OrderRepository orders) {
        this.service = service;
        this.orders = orders;
    }

    @PostMapping
    ResponseEntity<Order> place(@RequestBody JsonNode body,
                                @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey) {
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_KEY_LENGTH)) {
            throw new BadRequestException("Idempotency-Key must be 1 to " + MAX_KEY_LENGTH + " non-blank characters");
        }
        OrderService.Placed placed = service.place(OrderRequest.from(body), idempotencyKey);
        if (!placed.created()) {
            return ResponseEntity.ok(placed.order());
        }
        return ResponseEntity.created(URI.create("/orders/" + placed.order().id())).body(placed.order());
    }

    @GetMapping("/{id}")
    Order find(@PathVariable String id) {
        return orders.find(id).orElseThrow(() -> new NotFoundException("order " + id + " not found"));
    }

    @GetMapping
    List<Order> list(@RequestParam String accountId) {
        return orders.findByAccount(accountId);
    }

    /** An unknown id. Answered 404. */
    static class NotFoundException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String detail) {
            super(detail);
        }
    }
}
