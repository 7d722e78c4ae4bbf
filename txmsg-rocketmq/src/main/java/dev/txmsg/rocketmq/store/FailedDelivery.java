package dev.txmsg.rocketmq.store;

import java.util.List;
import java.util.Map;

/**
 * A delivery whose handler failed, as the consumer records it: RETRYING while attempts remain,
 * DEAD after the last one (or at once, for a non-retryable failure).
 *
 * @param consumerGroup    the consumer group
 * @param deduplicationKey the message's identity
 * @param messageId        the message id
 * @param topic            the topic (without a namespace)
 * @param tag              the tag, or {@code null}
 * @param keys             the keys
 * @param body             the body
 * @param properties       the user properties
 * @param attempts         deliveries so far
 * @param cause            the failure, with its stack trace
 * @param dead             whether it failed for good
 */
public record FailedDelivery(String consumerGroup, String deduplicationKey, String messageId, String topic, String tag,
                             List<String> keys, byte[] body, Map<String, String> properties, int attempts, String cause,
                             boolean dead) {
}
