package dev.txmsg.api.ops;

import java.util.List;

/**
 * Tools instead of SQL: find a message, list, replay and discard what is stuck. Every action is
 * logged with what it touched and stored in the audit table (who, when, what, on which record, why,
 * with what outcome; {@link #audit(Query)}). Replays go through the consumer's idempotent pipeline:
 * replaying what was already applied applies nothing.
 */
public interface Operations {

    /**
     * The same operations, with their actions recorded in the audit table as taken by {@code actor}
     * (the endpoint and the console pass the authenticated user). Without it, actions are recorded as
     * taken by {@code "operations-api"}.
     *
     * @throws IllegalArgumentException if {@code actor} is blank
     */
    Operations as(String actor);

    /**
     * Where is my message? Every trace txmsg holds of it: the transaction-log row, the outbox row,
     * each consumer group's consume-log row, its dead letters and in-doubt records.
     *
     * @param transactionIdOrKey a transaction id, or a business key (a message key: found through the
     *                           dead letters, in-doubt records and outbox rows that name it, and through
     *                           the broker's key index for the topics this service sends or consumes)
     * @throws IllegalArgumentException if it is blank or longer than 255 characters
     */
    MessageTrail trail(String transactionIdOrKey);

    /** Operator actions matching {@code query}'s time range and limit (group and topic are ignored), newest first. */
    List<AuditEntry> audit(Query query);

    /** Dead letters waiting for an operator (status DEAD). */
    long deadLetterCount();

    /** In-doubt transactions waiting for an operator (status IN_DOUBT). */
    long inDoubtCount();

    /** Dead letters matching {@code query}, newest first. */
    List<DeadLetter> deadLetters(Query query);

    /** Runs a dead letter's handler again, once, through the idempotent pipeline. */
    ReplayResult replayDeadLetter(long id);

    /** Replays every pending dead letter matching {@code query}. */
    List<ReplayResult> replayDeadLetters(Query query);

    /**
     * Gives up on a dead letter.
     *
     * @return whether a pending dead letter was discarded
     * @throws IllegalArgumentException if the reason is blank
     */
    boolean discardDeadLetter(long id, String reason);

    /**
     * Gives up on every pending dead letter matching {@code query} (after a fix that made them moot, say).
     *
     * @return the ids of the dead letters discarded
     * @throws IllegalArgumentException if the reason is blank
     */
    List<Long> discardDeadLetters(Query query, String reason);

    /** Exhausted half messages matching {@code query}, newest first. */
    List<InDoubtTransaction> inDoubt(Query query);

    /** Delivers an in-doubt transaction's message, as if it had committed (after checking the business data). */
    ReplayResult replayInDoubt(String transactionId);

    /**
     * Gives up on an in-doubt transaction's message.
     *
     * @return whether a pending record was discarded
     * @throws IllegalArgumentException if the reason is blank
     */
    boolean discardInDoubt(String transactionId, String reason);

    /** Outbox messages stopped by a failure, waiting for an operator (status FAILED; outbox mode). */
    long outboxFailedCount();

    /**
     * Outbox messages not published yet (waiting, failed or discarded) matching {@code query}
     * (its group is ignored: the outbox is the producer's), newest first.
     */
    List<OutboxMessage> outbox(Query query);

    /**
     * Publishes a failed outbox message again: it becomes pending, and the relay tries it (and then
     * the later messages of its ordering key) at once.
     *
     * @return {@link ReplayResult.Outcome#APPLIED} if it was queued for the relay, else
     *         {@link ReplayResult.Outcome#NOT_PENDING}
     */
    ReplayResult replayOutbox(String transactionId);

    /** Replays every failed outbox message matching {@code query} (after an outage that failed many). */
    List<ReplayResult> replayOutbox(Query query);

    /**
     * Gives up on a failed outbox message: it is never published, and the later messages of its
     * ordering key go on.
     *
     * @return whether a failed message was discarded
     * @throws IllegalArgumentException if the reason is blank
     */
    boolean discardOutbox(String transactionId, String reason);
}
