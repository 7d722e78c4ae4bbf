package dev.txmsg.rocketmq.store;

import java.time.Instant;

/** A row of {@code txmsg_consume_log}, as MyBatis maps it. */
final class ConsumedRow {
    public String consumerGroup;
    public String topic;
    public String messageKey;
    public Instant consumedAt;
}
