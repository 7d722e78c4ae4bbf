package dev.txmsg.rocketmq.ops;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.ops.AuditEntry;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.MessageTrail;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.api.ops.OutboxMessage;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.check.Republisher;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.outbox.OutboxRelay;
import dev.txmsg.rocketmq.outbox.OutboxStore;
import dev.txmsg.rocketmq.store.ConsumerStore;

/**
 * {@link Operations} on txmsg's tables. Dead letters replay through this process's consumers (the
 * handler must run here); in-doubt transactions replay through a producer. Every action is logged
 * at INFO with what it touched, and recorded in {@code txmsg_audit} before it runs (outcome
 * {@code PENDING}) and after (its outcome): an action whose record cannot be written does not run.
 */
public final class TxMsgOperations implements Operations {

    /** The actor of actions taken through the api without {@link #as(String)}. */
    public static final String DEFAULT_ACTOR = "operations-api";

    private static final Logger LOG = LoggerFactory.getLogger("dev.txmsg.ops");
    private static final int MAX_REASON = 1000;
    private static final int MAX_TRAIL_IDS = 20;

    private final ConsumerStore store;
    private final RocketMqConsumers consumers;
    private final DeadLetterReplay deadLetters;
    private final Republisher republisher;
    private final OutboxStore outbox;
    private final OutboxRelay relay;
    private final TransactionLog log;
    private final KeyIndex keyIndex;
    private final String actor;

    /**
     * @param store       the consumer tables
     * @param consumers   this process's consumers, or {@code null} if it runs none (dead letters cannot be replayed)
     * @param republisher publishes in-doubt messages, or {@code null} if this process has no producer
     */
    public TxMsgOperations(ConsumerStore store, RocketMqConsumers consumers, Republisher republisher) {
        this(store, consumers, republisher, null, null);
    }

    /**
     * @param store       the consumer tables
     * @param consumers   this process's consumers, or {@code null} if it runs none (dead letters cannot be replayed)
     * @param republisher publishes in-doubt messages, or {@code null} if this process has no producer
     * @param outbox      the outbox, or {@code null} if there is none (nothing to list)
     * @param relay       the relay to wake after a replay or a discard, or {@code null} (the owning relay's poll finds it)
     */
    public TxMsgOperations(ConsumerStore store, RocketMqConsumers consumers, Republisher republisher, OutboxStore outbox,
                           OutboxRelay relay) {
        this(store, consumers, republisher, outbox, relay, null, KeyIndex.NONE, DEFAULT_ACTOR);
    }

    private TxMsgOperations(ConsumerStore store, RocketMqConsumers consumers, Republisher republisher, OutboxStore outbox,
                            OutboxRelay relay, TransactionLog log, KeyIndex keyIndex, String actor) {
        this.store = Objects.requireNonNull(store, "store");
        this.consumers = consumers;
        this.deadLetters = consumers == null ? null : new DeadLetterReplay(store, consumers);
        this.republisher = republisher;
        this.outbox = outbox;
        this.relay = relay;
        this.log = log;
        this.keyIndex = Objects.requireNonNull(keyIndex, "keyIndex");
        this.actor = actor;
    }

    /**
     * These operations, finding messages also in the producer's transaction log and through the
     * broker's key index ({@link #trail(String)}).
     *
     * @param log      the transaction log, or {@code null} (outbox mode, or no producer here)
     * @param keyIndex where business keys are looked up, or {@link KeyIndex#NONE}
     */
    public TxMsgOperations withTrailSources(TransactionLog log, KeyIndex keyIndex) {
        return new TxMsgOperations(store, consumers, republisher, outbox, relay, log, keyIndex, actor);
    }

    @Override
    public TxMsgOperations as(String actor) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("an actor is required: the name the audit records the actions under");
        }
        String name = actor.strip();
        if (name.length() > 255) {
            throw new IllegalArgumentException("the actor's name is longer than 255 characters");
        }
        return new TxMsgOperations(store, consumers, republisher, outbox, relay, log, keyIndex, name);
    }

    /** Who the actions are recorded as taken by. */
    public String actor() {
        return actor;
    }

    @Override
    public MessageTrail trail(String transactionIdOrKey) {
        if (transactionIdOrKey == null || transactionIdOrKey.isBlank()) {
            throw new IllegalArgumentException("give a transaction id or a business key to look for");
        }
        String q = transactionIdOrKey.strip();
        if (q.length() > 255) {
            throw new IllegalArgumentException("a transaction id or a key has at most 255 characters; this has " + q.length());
        }
        java.util.Map<Long, DeadLetter> letters = new java.util.LinkedHashMap<>();
        java.util.Map<String, InDoubtTransaction> inDoubts = new java.util.LinkedHashMap<>();
        java.util.Map<String, OutboxMessage> outboxRows = new java.util.LinkedHashMap<>();
        java.util.Set<String> ids = new java.util.LinkedHashSet<>();
        ids.add(q);
        // q as a business key: the records that name it, and the broker's key index
        for (DeadLetter d : sql(() -> store.deadLettersOf(q, MAX_TRAIL_IDS))) {
            letters.put(d.id(), d);
            ids.add(d.deduplicationKey());
        }
        for (InDoubtTransaction t : sql(() -> store.inDoubtsByKey(q, MAX_TRAIL_IDS))) {
            inDoubts.put(t.transactionId(), t);
            ids.add(t.transactionId());
        }
        if (outbox != null) {
            for (OutboxMessage m : sql(() -> outbox.findByKey(q, MAX_TRAIL_IDS))) {
                outboxRows.put(m.transactionId(), m);
                ids.add(m.transactionId());
            }
        }
        ids.addAll(keyIndex.transactionIds(q));
        List<MessageTrail.LogRow> logRows = new java.util.ArrayList<>();
        List<MessageTrail.Consumption> consumed = new java.util.ArrayList<>();
        List<String> found = new java.util.ArrayList<>();
        for (String id : ids.stream().limit(MAX_TRAIL_IDS).toList()) {
            int before = logRows.size() + consumed.size() + letters.size() + inDoubts.size() + outboxRows.size();
            if (log != null && id.length() <= 64) {
                sql(() -> log.find(id)).ifPresent(state -> logRows.add(new MessageTrail.LogRow(id, state)));
            }
            if (outbox != null) {
                sql(() -> outbox.find(id)).ifPresent(m -> outboxRows.putIfAbsent(id, m));
            }
            for (dev.txmsg.api.consume.Subscription s : consumers == null ? List.<dev.txmsg.api.consume.Subscription>of()
                : consumers.subscriptions()) {
                sql(() -> store.consumed(s.consumerGroup(), s.topic(), id)).ifPresent(consumed::add);
            }
            for (DeadLetter d : sql(() -> store.deadLettersOf(id, MAX_TRAIL_IDS))) {
                letters.putIfAbsent(d.id(), d);
            }
            sql(() -> store.inDoubt(id)).ifPresent(t -> inDoubts.putIfAbsent(id, t));
            boolean named = letters.values().stream().anyMatch(d -> d.deduplicationKey().equals(id))
                || inDoubts.containsKey(id) || outboxRows.containsKey(id);
            if (logRows.size() + consumed.size() + letters.size() + inDoubts.size() + outboxRows.size() > before || named) {
                found.add(id);
            }
        }
        return new MessageTrail(q, found, logRows, List.copyOf(outboxRows.values()), consumed, List.copyOf(letters.values()),
            List.copyOf(inDoubts.values()));
    }

    @Override
    public List<AuditEntry> audit(Query query) {
        return sql(() -> store.audit(query));
    }

    @Override
    public long deadLetterCount() {
        return sql(store::deadLetterCount);
    }

    @Override
    public long inDoubtCount() {
        return sql(store::inDoubtCount);
    }

    @Override
    public List<DeadLetter> deadLetters(Query query) {
        return sql(() -> store.deadLetters(query, null));
    }

    /** Dead letters in one status. */
    public List<DeadLetter> deadLetters(Query query, DeadLetter.Status status) {
        return sql(() -> store.deadLetters(query, status));
    }

    @Override
    public ReplayResult replayDeadLetter(long id) {
        return audited("replay", "dead-letter", Long.toString(id), null, () -> replayDeadLetterNow(id), r -> r.outcome().name());
    }

    private ReplayResult replayDeadLetterNow(long id) {
        Optional<DeadLetter> letter = sql(() -> store.deadLetter(id));
        if (letter.isEmpty()) {
            return new ReplayResult(Long.toString(id), ReplayResult.Outcome.NOT_PENDING, "no dead letter " + id);
        }
        if (deadLetters == null) {
            return new ReplayResult(Long.toString(id), ReplayResult.Outcome.FAILED, "this process runs no consumers");
        }
        ReplayResult result = deadLetters.replay(letter.get());
        LOG.info("replayed dead letter {} (group {}, topic {}, key {}): {}{}", id, letter.get().consumerGroup(), letter.get().topic(),
            letter.get().deduplicationKey(), result.outcome(), result.detail() == null ? "" : " - " + result.detail());
        return result;
    }

    @Override
    public List<ReplayResult> replayDeadLetters(Query query) {
        return deadLetters(query, DeadLetter.Status.DEAD).stream().map(d -> replayDeadLetter(d.id())).toList();
    }

    @Override
    public boolean discardDeadLetter(long id, String reason) {
        String why = requireReason(reason);
        return audited("discard", "dead-letter", Long.toString(id), why, () -> discardDeadLetterNow(id, why), TxMsgOperations::discarded);
    }

    @Override
    public List<Long> discardDeadLetters(Query query, String reason) {
        String why = requireReason(reason);
        return deadLetters(query, DeadLetter.Status.DEAD).stream().map(DeadLetter::id).filter(id -> discardDeadLetter(id, why)).toList();
    }

    private boolean discardDeadLetterNow(long id, String why) {
        boolean discarded = sql(() -> store.resolveDeadLetter(id, DeadLetter.Status.DISCARDED, "discarded: " + why));
        LOG.info("discard of dead letter {} ({}): {}", id, why, discarded ? "discarded" : "not pending, nothing changed");
        return discarded;
    }

    @Override
    public List<InDoubtTransaction> inDoubt(Query query) {
        return sql(() -> store.inDoubts(query, null));
    }

    @Override
    public ReplayResult replayInDoubt(String transactionId) {
        requireId(transactionId);
        return audited("replay", "in-doubt", transactionId, null, () -> replayInDoubtNow(transactionId), r -> r.outcome().name());
    }

    private ReplayResult replayInDoubtNow(String transactionId) {
        Optional<InDoubtTransaction> found = sql(() -> store.inDoubt(transactionId));
        if (found.isEmpty() || found.get().status() != InDoubtTransaction.Status.IN_DOUBT) {
            return new ReplayResult(transactionId, ReplayResult.Outcome.NOT_PENDING,
                found.map(t -> "status " + t.status()).orElse("no in-doubt transaction " + transactionId));
        }
        if (republisher == null) {
            return new ReplayResult(transactionId, ReplayResult.Outcome.FAILED, "this process has no producer");
        }
        InDoubtTransaction t = found.get();
        boolean replayed;
        try {
            replayed = sql(() -> store.replayInDoubt(transactionId, "replayed by an operator: delivered",
                () -> republisher.publish(t.transactionId(), t.topic(), t.tag(), t.keys(), t.body(), t.properties())));
        } catch (RuntimeException e) {
            LOG.info("replay of in-doubt transaction {} (topic {}) failed: {}", transactionId, t.topic(), e.toString());
            return new ReplayResult(transactionId, ReplayResult.Outcome.FAILED, e.toString());
        }
        if (!replayed) {
            return new ReplayResult(transactionId, ReplayResult.Outcome.NOT_PENDING,
                sql(() -> store.inDoubt(transactionId)).map(r -> "status " + r.status()).orElse("gone") + ": nothing was published");
        }
        LOG.info("replayed in-doubt transaction {} (group {}, topic {}): delivered", transactionId, t.producerGroup(), t.topic());
        return new ReplayResult(transactionId, ReplayResult.Outcome.APPLIED, null);
    }

    @Override
    public boolean discardInDoubt(String transactionId, String reason) {
        String why = requireReason(reason);
        requireId(transactionId);
        return audited("discard", "in-doubt", transactionId, why, () -> discardInDoubtNow(transactionId, why), TxMsgOperations::discarded);
    }

    private boolean discardInDoubtNow(String transactionId, String why) {
        boolean discarded = sql(() -> store.resolveInDoubt(transactionId, InDoubtTransaction.Status.DISCARDED, "discarded: " + why));
        LOG.info("discard of in-doubt transaction {} ({}): {}", transactionId, why, discarded ? "discarded" : "not pending, nothing changed");
        return discarded;
    }

    @Override
    public long outboxFailedCount() {
        return outbox == null ? 0 : sql(outbox::failedCount);
    }

    @Override
    public List<OutboxMessage> outbox(Query query) {
        return outbox == null ? List.of() : sql(() -> outbox.list(query));
    }

    @Override
    public ReplayResult replayOutbox(String transactionId) {
        requireId(transactionId);
        return audited("replay", "outbox", transactionId, null, () -> replayOutboxNow(transactionId), r -> r.outcome().name());
    }

    private ReplayResult replayOutboxNow(String transactionId) {
        if (outbox == null) {
            return new ReplayResult(transactionId, ReplayResult.Outcome.NOT_PENDING, "this process has no outbox");
        }
        Optional<Integer> partition = sql(() -> outbox.replay(transactionId, "replayed by an operator"));
        if (partition.isEmpty()) {
            String detail = sql(() -> outbox.find(transactionId)).map(m -> "status " + m.status())
                .orElse("no outbox message " + transactionId + " (published messages leave the outbox)");
            LOG.info("replay of outbox message {}: not failed ({}), nothing changed", transactionId, detail);
            return new ReplayResult(transactionId, ReplayResult.Outcome.NOT_PENDING, detail);
        }
        if (relay != null) {
            relay.wake(partition.get());
        }
        LOG.info("replayed outbox message {}: pending again, the relay publishes it (then the later messages of its key)", transactionId);
        return new ReplayResult(transactionId, ReplayResult.Outcome.APPLIED, "queued for the relay");
    }

    @Override
    public List<ReplayResult> replayOutbox(Query query) {
        return outbox(query).stream().filter(m -> m.status() == OutboxMessage.Status.FAILED)
            .map(m -> replayOutbox(m.transactionId())).toList();
    }

    @Override
    public boolean discardOutbox(String transactionId, String reason) {
        String why = requireReason(reason);
        requireId(transactionId);
        return audited("discard", "outbox", transactionId, why, () -> discardOutboxNow(transactionId, why), TxMsgOperations::discarded);
    }

    private boolean discardOutboxNow(String transactionId, String why) {
        if (outbox == null) {
            return false;
        }
        Optional<Integer> partition = sql(() -> outbox.discard(transactionId, "discarded: " + why));
        partition.ifPresent(p -> {
            if (relay != null) {
                relay.wake(p);
            }
        });
        LOG.info("discard of outbox message {} ({}): {}", transactionId, why,
            partition.isPresent() ? "discarded; the later messages of its key go on" : "not failed, nothing changed");
        return partition.isPresent();
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required to discard: say why, for whoever looks at it next");
        }
        String why = reason.strip();
        if (why.length() > MAX_REASON) {
            throw new IllegalArgumentException("the reason is longer than " + MAX_REASON + " characters (" + why.length() + ")");
        }
        return why;
    }

    private static void requireId(String transactionId) {
        if (transactionId == null || transactionId.isBlank() || transactionId.length() > 64) {
            throw new IllegalArgumentException("a transaction id has 1 to 64 characters, was '" + transactionId + "'");
        }
    }

    /**
     * Runs an action recorded in the audit table: the record first (no record, no action), then the
     * action, then its outcome. If the outcome cannot be written, the record stays PENDING and a
     * warning says so.
     */
    private <T> T audited(String action, String kind, String target, String reason, java.util.function.Supplier<T> act,
                          java.util.function.Function<T, String> outcome) {
        long entry = sql(() -> store.beginAudit(actor, action, kind, target, reason));
        T result;
        try {
            result = act.get();
        } catch (RuntimeException | Error e) {
            complete(entry, "FAILED: " + e);
            throw e;
        }
        complete(entry, outcome.apply(result));
        return result;
    }

    private void complete(long entry, String outcome) {
        String text = outcome.length() > MAX_REASON ? outcome.substring(0, MAX_REASON) : outcome;
        try {
            store.completeAudit(entry, text);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("the outcome of operator action {} ({}) could not be recorded; its audit entry stays PENDING: {}", entry, text,
                e.toString());
        }
    }

    private static String discarded(boolean discarded) {
        return discarded ? "DISCARDED" : "NOT_PENDING";
    }

    private static <T> T sql(SqlCall<T> call) {
        try {
            return call.get();
        } catch (SQLException e) {
            throw new IllegalStateException("txmsg's tables could not be read or written: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
        T get() throws SQLException;
    }
}
