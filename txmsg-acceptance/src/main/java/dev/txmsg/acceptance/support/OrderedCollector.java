package dev.txmsg.acceptance.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;

/**
 * A real push consumer that receives each queue in order (RocketMQ's orderly listener) and records,
 * per first key, the bodies in the order they arrived.
 */
public final class OrderedCollector implements AutoCloseable {

    private final DefaultMQPushConsumer consumer;
    private final Map<String, List<String>> byKey = new ConcurrentHashMap<>();

    public OrderedCollector(String nameServer, String group, String topic) {
        consumer = new DefaultMQPushConsumer(group);
        consumer.setNamesrvAddr(nameServer);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPollNameServerInterval(1000);
        try {
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                msgs.forEach(m -> {
                    String key = m.getKeys() == null ? "" : m.getKeys().trim().split(" +")[0];
                    List<String> seen = byKey.computeIfAbsent(key, k -> new ArrayList<>());
                    synchronized (seen) {
                        seen.add(new String(m.getBody(), StandardCharsets.UTF_8));
                    }
                });
                return ConsumeOrderlyStatus.SUCCESS;
            });
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bodies of {@code key}'s messages, in the order they arrived. */
    public List<String> bodies(String key) {
        List<String> seen = byKey.get(key);
        if (seen == null) {
            return List.of();
        }
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
