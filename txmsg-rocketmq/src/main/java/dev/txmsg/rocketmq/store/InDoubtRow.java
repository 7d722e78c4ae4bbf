package dev.txmsg.rocketmq.store;

import java.time.Instant;

/** A row of {@code txmsg_in_doubt}, as MyBatis maps it. */
final class InDoubtRow {
    public String txId;
    public String producerGroup;
    public String topic;
    public String tag;
    /** Keys separated by spaces, or null. */
    public String messageKeys;
    public byte[] body;
    /** User properties as a JSON object. */
    public String properties;
    public Instant bornAt;
    public Instant recordedAt;
    public String status;
    public String resolution;
}
