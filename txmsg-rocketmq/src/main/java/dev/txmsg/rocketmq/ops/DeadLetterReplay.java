package dev.txmsg.rocketmq.ops;

import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;

import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.rocketmq.consume.ConsumePipeline;
import dev.txmsg.rocketmq.consume.RocketMqConsumers;
import dev.txmsg.rocketmq.store.ConsumerStore;

/**
 * Runs a DEAD letter's handler once more, through the consumers' idempotent pipeline, and says
 * what really happened: replaying what was applied already applies nothing, and a replay racing
 * a discard either wins (applied, then nothing to discard) or finds nothing pending.
 */
final class DeadLetterReplay {

    private final ConsumerStore store;
    private final RocketMqConsumers consumers;

    DeadLetterReplay(ConsumerStore store, RocketMqConsumers consumers) {
        this.store = Objects.requireNonNull(store, "store");
        this.consumers = Objects.requireNonNull(consumers, "consumers");
    }

    ReplayResult replay(DeadLetter letter) {
        String id = Long.toString(letter.id());
        if (letter.status() != DeadLetter.Status.DEAD) {
            return new ReplayResult(id, ReplayResult.Outcome.NOT_PENDING, "status " + letter.status());
        }
        Optional<Subscription> subscription = consumers.subscription(letter.consumerGroup(), letter.topic());
        if (subscription.isEmpty()) {
            return new ReplayResult(id, ReplayResult.Outcome.FAILED, "no handler of group " + letter.consumerGroup() + " for topic "
                + letter.topic() + " runs in this process");
        }
        ConsumePipeline.Attempt attempt = consumers.pipeline().replay(subscription.get(), letter);
        try {
            if (attempt.failure() != null) {
                store.failDeadLetterAgain(letter.id(), ConsumePipeline.describe(attempt.failure()));
                return new ReplayResult(id, ReplayResult.Outcome.FAILED, attempt.failure().toString());
            }
            return switch (attempt.outcome()) {
                // The record moved to REPLAYED in the same transaction as the handler's work.
                case APPLIED -> new ReplayResult(id, ReplayResult.Outcome.APPLIED, null);
                case DUPLICATE -> store.resolveDeadLetter(letter.id(), DeadLetter.Status.REPLAYED,
                        "replayed: already applied before, nothing done again")
                    ? new ReplayResult(id, ReplayResult.Outcome.ALREADY_APPLIED, null)
                    : notPending(letter.id());
                default -> notPending(letter.id());
            };
        } catch (SQLException e) {
            return new ReplayResult(id, ReplayResult.Outcome.FAILED, "the outcome could not be recorded: " + e);
        }
    }

    /** Nothing was applied: say why, as far as the record can still be read. */
    private ReplayResult notPending(long id) {
        try {
            return new ReplayResult(Long.toString(id), ReplayResult.Outcome.NOT_PENDING, store.deadLetter(id)
                .map(d -> "status " + d.status() + (d.resolution() == null ? "" : " (" + d.resolution() + ")"))
                .orElse("no dead letter " + id) + ": nothing was applied");
        } catch (SQLException e) {
            return new ReplayResult(Long.toString(id), ReplayResult.Outcome.NOT_PENDING, "no longer DEAD: nothing was applied");
        }
    }
}
