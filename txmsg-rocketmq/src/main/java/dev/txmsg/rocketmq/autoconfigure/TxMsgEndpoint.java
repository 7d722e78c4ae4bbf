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
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

import dev.txmsg.api.ops.AuditEntry;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.MessageTrail;
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
 *     and {@code outbox}: its messages not published yet; and {@code audit}: the operator actions)</li>
 * <li>{@code GET /actuator/txmsg/trail/{txIdOrKey}}: where is my message, everything txmsg holds of it</li>
 * <li>{@code POST /actuator/txmsg/dead-letters/{id}} with {@code {"action":"replay"}} or
 *     {@code {"action":"discard","reason":"..."}} (and {@code in-doubt/{txId}}, {@code outbox/{txId}})</li>
 * <li>{@code POST /actuator/txmsg/dead-letters} (or {@code outbox}, {@code in-doubt}) with {@code {"action":"replay"}}
 *     or {@code {"action":"discard","reason":"..."}}, and either {@code "ids":"12,13"} or the list's filters: acts on
 *     each listed (or each pending matching) record; in-doubt transactions only by their ids</li>
 * </ul>
 * Actions are recorded in the audit table under the authenticated user's name (or {@value #ANONYMOUS}
 * when the endpoint is open without security).
 */
@Endpoint(id = "txmsg", defaultAccess = Access.NONE)
public class TxMsgEndpoint {

    static final String DEAD_LETTERS = "dead-letters";
    static final String IN_DOUBT = "in-doubt";
    static final String OUTBOX = "outbox";
    static final String AUDIT = "audit";
    static final String TRAIL = "trail";
    /** The actor recorded for actions taken without an authenticated user. */
    static final String ANONYMOUS = "anonymous";
    private static final int MAX_IDS = Query.MAX_LIMIT;

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

    /** Lists dead letters, in-doubt transactions, unpublished outbox messages or the operator actions. */
    @ReadOperation
    public List<Map<String, Object>> list(@Selector String kind, @Nullable String group, @Nullable String topic,
                                          @Nullable Instant from, @Nullable Instant to, @Nullable Integer limit) {
        Query query = new Query(group, topic, from, to, limit == null ? Query.DEFAULT_LIMIT : limit);
        if (AUDIT.equals(kind)) {
            return operations.audit(query).stream().map(TxMsgEndpoint::view).toList();
        }
        return switch (kind(kind)) {
            case DEAD_LETTERS -> operations.deadLetters(query).stream().map(TxMsgEndpoint::view).toList();
            case OUTBOX -> operations.outbox(query).stream().map(TxMsgEndpoint::view).toList();
            default -> operations.inDoubt(query).stream().map(TxMsgEndpoint::view).toList();
        };
    }

    /** Where is my message: {@code GET trail/{txIdOrKey}}. */
    @ReadOperation
    public Map<String, Object> find(@Selector String kind, @Selector String id) {
        if (!TRAIL.equals(kind)) {
            throw new IllegalArgumentException("GET " + kind + "/" + id + " is not a read: use trail/{transaction id or key}");
        }
        return view(operations.trail(id));
    }

    /** Replays or discards one record, as the authenticated user. */
    @WriteOperation
    public Map<String, Object> act(SecurityContext security, @Selector String kind, @Selector String id, String action,
                                   @Nullable String reason) {
        String k = kind(kind);
        String verb = action == null ? "" : action.toLowerCase(Locale.ROOT);
        if (!verb.equals("replay") && !verb.equals("discard")) {
            throw new IllegalArgumentException("action must be replay or discard, was " + action);
        }
        return act(operations.as(actor(security)), k, verb, id, reason);
    }

    /**
     * Replays or discards several records, as the authenticated user: those of {@code ids} (comma-separated), or else every
     * pending one matching the filters. In-doubt transactions are acted on only by their ids, never by a filter: each
     * needs its business data checked.
     */
    @WriteOperation
    public List<Map<String, Object>> actOnAll(SecurityContext security, @Selector String kind, String action, @Nullable String reason,
                                              @Nullable String ids, @Nullable String group, @Nullable String topic,
                                              @Nullable Instant from, @Nullable Instant to, @Nullable Integer limit) {
        String k = kind(kind);
        String verb = action == null ? "" : action.toLowerCase(Locale.ROOT);
        if (!verb.equals("replay") && !verb.equals("discard")) {
            throw new IllegalArgumentException("action must be replay or discard, was " + action);
        }
        if ("discard".equals(verb) && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a reason is required to discard: say why, for whoever looks at it next");
        }
        Operations operations = this.operations.as(actor(security));
        if (ids != null) {
            List<String> each = ids(ids, k); // all checked before anything is done
            return each.stream().map(id -> act(operations, k, verb, id, reason)).toList();
        }
        if (IN_DOUBT.equals(k)) {
            throw new IllegalArgumentException("in-doubt transactions are decided one by one: list their ids (\"ids\":\"a,b\"), "
                + "each checked against the business data");
        }
        if ("discard".equals(verb) && group == null && topic == null && from == null && to == null) {
            throw new IllegalArgumentException("a bulk discard names its records (\"ids\":\"12,13\") or narrows them with a filter "
                + "(group, topic, from, to); it never discards everything");
        }
        Query query = new Query(group, topic, from, to, limit == null ? Query.DEFAULT_LIMIT : limit);
        if ("discard".equals(verb)) {
            if (OUTBOX.equals(k)) {
                return operations.outbox(query).stream().filter(m -> m.status() == OutboxMessage.Status.FAILED)
                    .map(m -> act(operations, k, verb, m.transactionId(), reason)).toList();
            }
            return operations.discardDeadLetters(query, reason).stream()
                .map(id -> Map.<String, Object>of("id", Long.toString(id), "discarded", true)).toList();
        }
        return (OUTBOX.equals(k) ? operations.replayOutbox(query) : operations.replayDeadLetters(query))
            .stream().map(TxMsgEndpoint::view).toList();
    }

    private static Map<String, Object> act(Operations operations, String kind, String verb, String id, String reason) {
        if ("replay".equals(verb)) {
            return view(switch (kind) {
                case DEAD_LETTERS -> operations.replayDeadLetter(parseId(id));
                case OUTBOX -> operations.replayOutbox(id);
                default -> operations.replayInDoubt(id);
            });
        }
        return Map.of("id", id, "discarded", switch (kind) {
            case DEAD_LETTERS -> operations.discardDeadLetter(parseId(id), reason);
            case OUTBOX -> operations.discardOutbox(id, reason);
            default -> operations.discardInDoubt(id, reason);
        });
    }

    /** The ids, checked before anything is done: a bad one fails the whole request. */
    private static List<String> ids(String ids, String kind) {
        List<String> each = java.util.Arrays.stream(ids.split(",")).map(String::strip).filter(s -> !s.isEmpty()).distinct().toList();
        if (each.isEmpty()) {
            throw new IllegalArgumentException("\"ids\" names no record: give them comma-separated, or leave \"ids\" out to use the filters");
        }
        if (each.size() > MAX_IDS) {
            throw new IllegalArgumentException(each.size() + " ids; at most " + MAX_IDS + " per request");
        }
        for (String id : each) {
            if (DEAD_LETTERS.equals(kind)) {
                parseId(id);
            } else if (id.length() > 64) {
                throw new IllegalArgumentException("a transaction id has at most 64 characters: '" + id + "'");
            }
        }
        return each;
    }

    private static String actor(SecurityContext security) {
        java.security.Principal principal = security == null ? null : security.getPrincipal();
        return principal == null || principal.getName() == null || principal.getName().isBlank() ? ANONYMOUS : principal.getName();
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

    static Map<String, Object> view(AuditEntry a) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", a.id());
        v.put("at", a.at());
        v.put("actor", a.actor());
        v.put("action", a.action());
        v.put("kind", a.kind());
        v.put("target", a.target());
        v.put("reason", a.reason());
        v.put("outcome", a.outcome());
        return v;
    }

    static Map<String, Object> view(MessageTrail t) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("query", t.query());
        v.put("transactionIds", t.transactionIds());
        v.put("log", t.log().stream().map(r -> Map.of("transactionId", r.transactionId(), "state", r.state())).toList());
        v.put("outbox", t.outbox().stream().map(TxMsgEndpoint::view).toList());
        v.put("consumed", t.consumed().stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("consumerGroup", c.consumerGroup());
            m.put("topic", c.topic());
            m.put("key", c.key());
            m.put("consumedAt", c.consumedAt());
            return m;
        }).toList());
        v.put("deadLetters", t.deadLetters().stream().map(TxMsgEndpoint::view).toList());
        v.put("inDoubt", t.inDoubt().stream().map(TxMsgEndpoint::view).toList());
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
