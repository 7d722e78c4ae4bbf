package dev.txmsg.rocketmq.ops;

import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.Operations;
import dev.txmsg.api.ops.OutboxMessage;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.rocketmq.check.Republisher;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.outbox.OutboxRelay;
import dev.txmsg.rocketmq.outbox.OutboxStore;
import dev.txmsg.rocketmq.store.ConsumerStore;

/**
 * {@link Operations} on txmsg's tables. Dead letters replay through this process's consumers (the
 * handler must run here); in-doubt transactions replay through a producer. Every action is logged
 * at INFO with what it touched.
 */
public final class TxMsgOperations implements Operations {

    private static final Logger LOG = LoggerFactory.getLogger("dev.txmsg.ops");

    private final ConsumerStore store;
    private final DeadLetterReplay deadLetters;
    private final Republisher republisher;
    private final OutboxStore outbox;
    private final OutboxRelay relay;

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
        this.store = Objects.requireNonNull(store, "store");
        this.deadLetters = consumers == null ? null : new DeadLetterReplay(store, consumers);
        this.republisher = republisher;
        this.outbox = outbox;
        this.relay = relay;
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
        return reason.strip();
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
