package dev.txmsg.api.consume;

import java.util.List;
import java.util.Objects;

/**
 * A handler's subscription: what it consumes, in which consumer group, and how often a failing
 * message is tried.
 *
 * @param consumerGroup  the consumer group (each group receives every message once)
 * @param topic          the topic
 * @param tags           tag filter: {@code *} for all, or tags separated by {@code ||}
 * @param maxAttempts    deliveries before a failing message becomes a dead letter (at least 1)
 * @param nonRetryable   exception types that make a message a dead letter at once (besides {@link NonRetryableException})
 * @param handler        the handler
 */
public record Subscription(String consumerGroup, String topic, String tags, int maxAttempts,
                           List<Class<? extends Throwable>> nonRetryable, MessageHandler handler) {

    /** Default number of attempts. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException naming what is missing or wrong
     */
    public Subscription {
        if (consumerGroup == null || consumerGroup.isBlank()) {
            throw new IllegalArgumentException("consumerGroup must not be blank");
        }
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("topic must not be blank (consumer group " + consumerGroup + ")");
        }
        tags = tags == null || tags.isBlank() ? "*" : tags;
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts
                + " (consumer group " + consumerGroup + ", topic " + topic + ")");
        }
        nonRetryable = nonRetryable == null ? List.of() : List.copyOf(nonRetryable);
        Objects.requireNonNull(handler, "handler");
    }

    /** A subscription to every tag of {@code topic}, with the default attempts. */
    public static Subscription of(String consumerGroup, String topic, MessageHandler handler) {
        return new Subscription(consumerGroup, topic, "*", DEFAULT_MAX_ATTEMPTS, List.of(), handler);
    }

    /** The same subscription with a tag filter. */
    public Subscription withTags(String tags) {
        return new Subscription(consumerGroup, topic, tags, maxAttempts, nonRetryable, handler);
    }

    /** The same subscription with another number of attempts. */
    public Subscription withMaxAttempts(int attempts) {
        return new Subscription(consumerGroup, topic, tags, attempts, nonRetryable, handler);
    }

    /** The same subscription, with {@code types} making a message a dead letter at once. */
    @SafeVarargs
    public final Subscription withNonRetryable(Class<? extends Throwable>... types) {
        return new Subscription(consumerGroup, topic, tags, maxAttempts, List.of(types), handler);
    }

    /** Whether {@code failure} (or one of its causes) means that retrying cannot help. */
    public boolean isNonRetryable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NonRetryableException) {
                return true;
            }
            for (Class<? extends Throwable> type : nonRetryable) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }
}
