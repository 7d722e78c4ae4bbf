package dev.txmsg.api.spi;

import java.util.Objects;

/**
 * One message's row in the {@link TransactionLog}.
 *
 * @param transactionId the message's id, the row's key
 * @param topic         the topic the message goes to
 */
public record LogEntry(String transactionId, String topic) {

    /** Checks the components. */
    public LogEntry {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(topic, "topic");
    }
}
