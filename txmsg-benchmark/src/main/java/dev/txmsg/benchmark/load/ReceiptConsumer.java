package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * A plain push consumer that notes when each key first arrives ({@link System#nanoTime()}, the
 * senders' clock: same JVM). Keys it was not asked about (an earlier run's messages) are noted and ignored.
 */
final class ReceiptConsumer implements AutoCloseable {

    private final DefaultMQPushConsumer consumer;
    private final String topic;
    private final Map<String, Long> receipts = new ConcurrentHashMap<>();

    ReceiptConsumer(String nameServer, String group, String topic) {
        this.topic = topic;
        this.consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(nameServer);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        try {
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                long now = System.nanoTime();
                for (MessageExt m : messages) {
                    receipts.putIfAbsent(m.getKeys(), now);
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("the consumer of group " + group + " on topic " + topic + " did not start: "
                + e.getMessage(), e);
        }
        awaitQueues();
    }

    /** Waits until the consumer owns queues, so that the first message is not delayed by its start. */
    private void awaitQueues() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (consumer.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the consumer on topic " + topic + " got no queue within 30 s");
            }
            pause();
        }
    }

    /** When {@code key} first arrived, or {@code null}. */
    Long receivedAt(String key) {
        return receipts.get(key);
    }

    /** Waits until every key arrived or {@code patience} passed; returns whether all arrived. */
    boolean awaitAll(Collection<String> keys, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!receipts.keySet().containsAll(keys)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pause();
        }
        return true;
    }

    /** Forgets every receipt. */
    void clear() {
        receipts.clear();
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for messages", e);
        }
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
