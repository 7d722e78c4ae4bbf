package dev.txmsg.api.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A half message whose check-backs the broker exhausted, and what txmsg did with it.
 *
 * @param transactionId the transaction id
 * @param producerGroup the producer group
 * @param topic         the message's real topic
 * @param tag           the tag, or {@code null}
 * @param keys          the keys
 * @param body          the body
 * @param properties    the user properties
 * @param bornAt        when it was sent
 * @param recordedAt    when txmsg recorded it
 * @param status        where it stands
 * @param resolution    how it was settled, or {@code null}
 */
public record InDoubtTransaction(String transactionId, String producerGroup, String topic, String tag, List<String> keys,
                                 byte[] body, Map<String, String> properties, Instant bornAt, Instant recordedAt,
                                 Status status, String resolution) {

    /** Where an exhausted half message stands. */
    public enum Status {
        /** The log says committed: txmsg delivered it. */
        DELIVERED,
        /** The log says rolled back: dropped. */
        DROPPED,
        /** No row, young enough to decide: txmsg fenced it (rolled back) and dropped it. */
        FENCED,
        /** No row and older than the log's retention: nothing can be decided; an operator must. */
        IN_DOUBT,
        /** An operator delivered it. */
        REPLAYED,
        /** An operator discarded it, with a reason. */
        DISCARDED
    }
}
