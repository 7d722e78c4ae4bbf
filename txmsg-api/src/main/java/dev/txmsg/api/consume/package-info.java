/**
 * Consuming with exactly-once effects: a {@link dev.txmsg.api.consume.MessageHandler} runs in one
 * local transaction with a consume-log row keyed by (consumer group, transaction id); duplicates
 * are acknowledged without running it; failures retry with backoff and end as dead letters.
 */
package dev.txmsg.api.consume;
