package dev.txmsg.api.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message of the outbox (outbox mode): waiting for the relay, stopped by a failure that retries
 * cannot cure, given up by an operator, or published and kept for the record.
 *
 * @param transactionId the transaction id (the message's id for consumers)
 * @param topic         the topic
 * @param tag           the tag, or {@code null}
 * @param keys          the keys; the first is the ordering key
 * @param partition     the outbox partition its ordering key (or, without keys, its id) falls in
 * @param body          the body
 * @param properties    the user properties
 * @param createdAt     when its local transaction wrote it
 * @param attempts      failed publish attempts
 * @param cause         the last failure, or {@code null}
 * @param status        where it stands
 * @param resolution    how an operator resolved it, or {@code null}
 */
public record OutboxMessage(String transactionId, String topic, String tag, List<String> keys, int partition, byte[] body,
                            Map<String, String> properties, Instant createdAt, int attempts, String cause, Status status,
                            String resolution) {

    /** Where an outbox message stands. */
    public enum Status {
        /** Waiting for the relay (or retried after a transient failure). */
        PENDING,
        /**
         * The broker refused it for good (too large, no such topic...): it waits for an operator, and
         * holds back the later messages of its ordering key until it is replayed or discarded.
         */
        FAILED,
        /** Given up by an operator, with a reason; never published. */
        DISCARDED,
        /** Published, and kept for the record (where published messages are kept rather than deleted). */
        PUBLISHED
    }

    /** Copies the lists and the map. */
    public OutboxMessage {
        keys = List.copyOf(keys);
        properties = Map.copyOf(properties);
    }
}
