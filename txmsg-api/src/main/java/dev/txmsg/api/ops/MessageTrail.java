package dev.txmsg.api.ops;

import java.time.Instant;
import java.util.List;

/**
 * Where a message is: every trace of it that txmsg holds in this service's database (and, for a
 * business key, what the broker's key index names), in one answer.
 *
 * @param query          what was asked: a transaction id or a business key
 * @param transactionIds the transaction ids found for it (the query itself if it is one)
 * @param log            the producer's transaction-log rows (half-message mode)
 * @param outbox         the outbox rows not published yet, or kept after publication (outbox mode)
 * @param consumed       the consume-log rows: which consumer group applied it, and when
 * @param deadLetters    the dead letters of it, whatever their status
 * @param inDoubt        the in-doubt records of it, whatever their status
 */
public record MessageTrail(String query, List<String> transactionIds, List<LogRow> log, List<OutboxMessage> outbox,
                           List<Consumption> consumed, List<DeadLetter> deadLetters, List<InDoubtTransaction> inDoubt) {

    /** Copies the lists. */
    public MessageTrail {
        transactionIds = List.copyOf(transactionIds);
        log = List.copyOf(log);
        outbox = List.copyOf(outbox);
        consumed = List.copyOf(consumed);
        deadLetters = List.copyOf(deadLetters);
        inDoubt = List.copyOf(inDoubt);
    }

    /** Whether nothing at all was found. */
    public boolean isEmpty() {
        return log.isEmpty() && outbox.isEmpty() && consumed.isEmpty() && deadLetters.isEmpty() && inDoubt.isEmpty();
    }

    /**
     * A transaction-log row.
     *
     * @param transactionId the transaction id
     * @param state         COMMITTED or ROLLED_BACK (a transaction still open shows no row)
     */
    public record LogRow(String transactionId, dev.txmsg.api.TransactionState state) {
    }

    /**
     * A consume-log row: the message was applied by a consumer group.
     *
     * @param consumerGroup the group
     * @param topic         the topic
     * @param key           the de-duplication key (the transaction id for txmsg's messages)
     * @param consumedAt    when its handler's transaction committed
     */
    public record Consumption(String consumerGroup, String topic, String key, Instant consumedAt) {
    }
}
