package dev.txmsg.api.ops;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A message that failed its last attempt, as recorded for an operator.
 *
 * @param id               the record's id
 * @param consumerGroup    the consumer group that failed to apply it
 * @param deduplicationKey the message's de-duplication key (its transaction id when sent by txmsg)
 * @param messageId        the message id
 * @param topic            the topic
 * @param tag              the tag, or {@code null}
 * @param keys             the keys
 * @param body             the body
 * @param properties       the user properties
 * @param attempts         deliveries tried
 * @param firstFailureAt   when it first failed as a dead letter (its last attempt)
 * @param lastFailureAt    when it last failed (the last attempt, or the last failed replay)
 * @param cause            the last failure, with its stack trace
 * @param status           where it stands
 * @param resolution       how an operator resolved it, or {@code null}
 */
public record DeadLetter(long id, String consumerGroup, String deduplicationKey, String messageId, String topic, String tag,
                         List<String> keys, byte[] body, Map<String, String> properties, int attempts, Instant firstFailureAt,
                         Instant lastFailureAt, String cause, Status status, String resolution) {

    /** Where a dead letter stands. */
    public enum Status {
        /** Failed, with attempts left: the broker delivers it again after a backoff. */
        RETRYING,
        /** Failed its last attempt: waiting for an operator. */
        DEAD,
        /** Replayed and applied (or found already applied). */
        REPLAYED,
        /** Discarded by an operator, with a reason. */
        DISCARDED,
        /**
         * A later delivery of the same message (a duplicate) applied it: nothing is left to do, and
         * it can no longer be replayed.
         */
        APPLIED
    }
}
