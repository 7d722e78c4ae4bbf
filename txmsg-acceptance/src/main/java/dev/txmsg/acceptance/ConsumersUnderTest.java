package dev.txmsg.acceptance;

import java.time.Duration;

import dev.txmsg.api.ops.Operations;

/** Consumers built by a {@link Harness}. */
public interface ConsumersUnderTest extends AutoCloseable {

    /** The operator tools over their tables, able to replay their dead letters. */
    Operations operations();

    /** Whether {@code group} applied the message of {@code topic} with de-duplication key {@code key}. */
    boolean isConsumed(String group, String topic, String key);

    /** Runs the consume log's retention once: rows older than {@code age} are purged. */
    void purgeConsumeLog(Duration age);

    /** Stops them. */
    @Override
    void close();
}
