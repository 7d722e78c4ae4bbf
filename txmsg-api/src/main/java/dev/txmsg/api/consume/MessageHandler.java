package dev.txmsg.api.consume;

/**
 * Applies a message's effect. It runs in one local transaction together with the consume-log row
 * that marks the message applied, so each message's effect happens once however often it is
 * delivered: a duplicate finds the row and is acknowledged without running the handler.
 *
 * <p>To retry later, throw: the transaction rolls back and the message comes again with backoff.
 * After the last attempt it becomes a dead letter, recorded with its cause, and is acknowledged.
 * Throw a {@link NonRetryableException} (or configure the exception type as non-retryable) when
 * retrying cannot help: the message becomes a dead letter at once.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Applies {@code message}.
     *
     * @param message the message
     * @param context the consumer group and the transaction's connection
     * @throws Exception to roll back and retry (or, non-retryable or on the last attempt, dead-letter)
     */
    void handle(ReceivedMessage message, ConsumeContext context) throws Exception;
}
