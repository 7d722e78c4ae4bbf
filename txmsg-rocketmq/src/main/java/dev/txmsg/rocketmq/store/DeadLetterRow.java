package dev.txmsg.rocketmq.store;

import java.time.Instant;

/** A row of {@code txmsg_dead_letter}, as MyBatis maps it. */
final class DeadLetterRow {
    public Long id;
    public String consumerGroup;
    public String messageKey;
    public String messageId;
    public String topic;
    public String tag;
    /** Keys separated by spaces, or null. */
    public String messageKeys;
    public byte[] body;
    /** User properties as a JSON object. */
    public String properties;
    public int attempts;
    public Instant firstFailureAt;
    public Instant lastFailureAt;
    public String cause;
    public String status;
    public String resolution;
}
