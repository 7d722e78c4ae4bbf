package dev.txmsg.api.consume;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A message as a handler receives it. */
public interface ReceivedMessage {

    /**
     * The key that de-duplicates this message within a consumer group and topic: its identity —
     * the transaction id for a message sent by txmsg, else RocketMQ's unique message id (kept by a
     * producer's retries and by redeliveries), else the broker's message id. Never a business key:
     * two different messages may share one. Compared byte for byte ({@code A1} and {@code a1} are
     * different keys).
     */
    String deduplicationKey();

    /** The transaction id, or {@code null} if the message was not sent by txmsg. */
    String transactionId();

    /** The message id. */
    String messageId();

    /** The topic. */
    String topic();

    /** The tag, or {@code null}. */
    String tag();

    /** The keys, possibly empty. */
    List<String> keys();

    /** The body's bytes (a copy). */
    byte[] body();

    /** The body read as {@code type} (JSON by default). */
    <T> T payload(Class<T> type);

    /** The user properties. */
    Map<String, String> properties();

    /** When the producer sent it. */
    Instant bornAt();

    /** Which delivery this is: 1 for the first, 2 for the first retry, and so on. */
    int attempt();
}
