package dev.txmsg.rocketmq.autoconfigure;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.api.ops.OutboxMessage;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;

/**
 * The {@code txmsg} Actuator endpoint: dead letters and in-doubt transactions, listed, replayed
 * and discarded. Off unless enabled ({@code management.endpoint.txmsg.access=unrestricted}) and
 * exposed ({@code management.endpoints.web.exposure.include=txmsg}); secure it like any endpoint
 * that changes state.
 * <ul>
 * <li>{@code GET /actuator/txmsg}: counts waiting for an operator</li>
 * <li>{@code GET /actuator/txmsg/dead-letters?group=&topic=&from=&to=&limit=} (and {@code in-doubt},
 *     and {@code outbox}: its messages not published yet)</li>
 * <li>{@code POST /actuator/txmsg/dead-letters/{id}} with {@code {"action":"replay"}} or
 *     {@code {"action":"discard","reason":"..."}} (and {@code in-doubt/{txId}}, {@code outbox/{txId}})</li>
 * <li>{@code POST /actuator/txmsg/dead-letters} (or {@code outbox}) with {@code {"action":"replay"}} and the list's
 *     filters: replays every pending one</li>
 * </ul>
 */
@Endpoint(id = "txmsg", defaultAccess = Access.NONE)
public class TxMsgEndpoint {

    static final String DEAD_LETTERS = "dead-letters";
    static final String IN_DOUBT = "in-doubt";
    static final String OUTBOX = "outbox";

    private final Operations operations;

    /** An endpoint over {@code operations}. */
    public TxMsgEndpoint(Operations operations) {
        this.operations = operations;
    }

    /** Counts of what waits for an operator. */
    @ReadOperation
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deadLetters", operations.deadLetterCount());
        out.put("inDoubt", operations.inDoubtCount());
        out.put("outboxFailed", operations.outboxFailedCount());
        return out;
    }

    /** Lists dead letters or in-doubt transactions. */
    @ReadOperation
    public List<Map<String, Object>> list(@Selector String kind, @Nullable String group, @Nullable String topic,
                                          @Nullable Instant from, @Nullable Instant to, @Nullable Integer limit) {
        Query query = new Query(group, topic, from, to, limit == null ? Query.DEFAULT_LIMIT : limit);
        return switch (kind(kind)) {
            case DEAD_LETTERS -> operations.deadLetters(query).stream().map(TxMsgEndpoint::view).toList();
            case OUTBOX -> operations.outbox(query).stream().map(TxMsgEndpoint::view).toList();
            default -> operations.inDoubt(query).stream().map(TxMsgEndpoint::view).toList();
        };
    }

    /** Replays or discards one record. */
    @WriteOperation
    public Map<String, Object> act(@Selector String kind, @Selector String id, String action, @Nullable String reason) {
        String k = kind(kind);
        return switch (action == null ? "" : action.toLowerCase(Locale.ROOT)) {
            case "replay" -> view(switch (k) {
                case DEAD_LETTERS -> operations.replayDeadLetter(parseId(id));
                case OUTBOX -> operations.replayOutbox(id);
                default -> operations.replayInDoubt(id);
            });
            case "discard" -> Map.of("id", id, "discarded", switch (k) {
                case DEAD_LETTERS -> operations.discardDeadLetter(parseId(id), reason);
                case OUTBOX -> operations.discardOutbox(id, reason);
                default -> operations.discardInDoubt(id, reason);
            });
            default -> throw new IllegalArgumentException("action must be replay or discard, was " + action);
        };
    }

    /** Replays every pending dead letter (or failed outbox message) matching the filters. */
    @WriteOperation
    public List<Map<String, Object>> actOnAll(@Selector String kind, String action, @Nullable String group, @Nullable String topic,
                                              @Nullable Instant from, @Nullable Instant to, @Nullable Integer limit) {
        String k = kind(kind);
        if (IN_DOUBT.equals(k) || !"replay".equalsIgnoreCase(action)) {
            throw new IllegalArgumentException("only dead letters and failed outbox messages can be replayed in bulk "
                + "({\"action\":\"replay\"}); in-doubt transactions are decided one by one");
        }
        Query query = new Query(group, topic, from, to, limit == null ? Query.DEFAULT_LIMIT : limit);
        return (OUTBOX.equals(k) ? operations.replayOutbox(query) : operations.replayDeadLetters(query))
            .stream().map(TxMsgEndpoint::view).toList();
    }

    private static String kind(String kind) {
        if (!DEAD_LETTERS.equals(kind) && !IN_DOUBT.equals(kind) && !OUTBOX.equals(kind)) {
            throw new IllegalArgumentException("unknown kind '" + kind + "': use " + DEAD_LETTERS + ", " + IN_DOUBT + " or " + OUTBOX);
        }
        return kind;
    }

    private static long parseId(String id) {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a dead letter's id is a number, was '" + id + "'");
        }
    }

    static Map<String, Object> view(DeadLetter d) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", d.id());
        v.put("consumerGroup", d.consumerGroup());
        v.put("deduplicationKey", d.deduplicationKey());
        v.put("messageId", d.messageId());
        v.put("topic", d.topic());
        v.put("tag", d.tag());
        v.put("keys", d.keys());
        body(v, d.body());
        v.put("properties", d.properties());
        v.put("attempts", d.attempts());
        v.put("firstFailureAt", d.firstFailureAt());
        v.put("lastFailureAt", d.lastFailureAt());
        v.put("status", d.status());
        v.put("resolution", d.resolution());
        v.put("cause", d.cause());
        return v;
    }

    static Map<String, Object> view(InDoubtTransaction t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("transactionId", t.transactionId());
        v.put("producerGroup", t.producerGroup());
        v.put("topic", t.topic());
        v.put("tag", t.tag());
        v.put("keys", t.keys());
        body(v, t.body());
        v.put("properties", t.properties());
        v.put("bornAt", t.bornAt());
        v.put("recordedAt", t.recordedAt());
        v.put("status", t.status());
        v.put("resolution", t.resolution());
        return v;
    }

    static Map<String, Object> view(OutboxMessage m) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("transactionId", m.transactionId());
        v.put("topic", m.topic());
        v.put("tag", m.tag());
        v.put("keys", m.keys());
        v.put("partition", m.partition());
        body(v, m.body());
        v.put("properties", m.properties());
        v.put("createdAt", m.createdAt());
        v.put("attempts", m.attempts());
        v.put("status", m.status());
        v.put("resolution", m.resolution());
        v.put("cause", m.cause());
        return v;
    }

    private static Map<String, Object> view(ReplayResult r) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", r.id());
        v.put("outcome", r.outcome());
        v.put("detail", r.detail());
        return v;
    }

    /** The body as text when it is UTF-8, and always as base64. */
    private static void body(Map<String, Object> v, byte[] body) {
        try {
            v.put("body", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            v.put("body", null);
        }
        v.put("bodyBase64", Base64.getEncoder().encodeToString(body));
    }
}
