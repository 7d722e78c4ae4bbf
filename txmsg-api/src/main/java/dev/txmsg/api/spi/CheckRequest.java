package dev.txmsg.api.spi;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A broker's question about one message.
 *
 * @param transactionId the transaction id (key of the transaction-log row)
 * @param messageId     the message id
 * @param topic         the message's topic
 * @param producerGroup the producer group that the broker asked
 * @param logIdentity   identity of the transaction log that wrote the message, or {@code null} if
 *                      the message was not sent by txmsg
 * @param bornAt        when the producer sent the message
 * @param checkTimes    how many times the broker asked before, as the message says (0 if unknown)
 * @param properties    the message's properties
 */
public record CheckRequest(String transactionId, String messageId, String topic, String producerGroup,
                           String logIdentity, Instant bornAt, int checkTimes, Map<String, String> properties) {

    /** Checks the required components and copies the properties. */
    public CheckRequest {
        Objects.requireNonNull(transactionId, "transactionId");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(bornAt, "bornAt");
        properties = properties == null ? Map.of() : Map.copyOf(properties);
    }
}
