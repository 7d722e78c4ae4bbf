package dev.txmsg.acceptance.support;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;

/** A real push consumer that counts deliveries per transaction id (the message's unique id). */
public final class CollectingConsumer implements AutoCloseable {

    private final DefaultMQPushConsumer consumer;
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final Map<String, String> tags = new ConcurrentHashMap<>();
    private final Map<String, String> brokers = new ConcurrentHashMap<>();

    public CollectingConsumer(String nameServer, String group, String topic) {
        this(nameServer, group, topic, null);
    }

    public CollectingConsumer(String nameServer, String group, String topic, org.apache.rocketmq.remoting.RPCHook rpcHook) {
        consumer = new DefaultMQPushConsumer(group, rpcHook, new org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely());
        consumer.setNamesrvAddr(nameServer);
        consumer.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        consumer.setPollNameServerInterval(1000);
        try {
            consumer.subscribe(topic, "*");
            consumer.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                msgs.forEach(m -> {
                    String id = txId(m.getProperties(), m.getMsgId());
                    if (m.getTags() != null) {
                        tags.put(id, m.getTags());
                    }
                    if (m.getBrokerName() != null) {
                        brokers.put(id, m.getBrokerName());
                    }
                    deliveries.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                });
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            consumer.start();
        } catch (MQClientException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String txId(Map<String, String> properties, String fallback) {
        String id = properties.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        return id != null ? id : fallback;
    }

    /** How many times {@code txId} was delivered. */
    public int count(String txId) {
        AtomicInteger n = deliveries.get(txId);
        return n == null ? 0 : n.get();
    }

    /** The tag of the message of {@code txId}, once delivered; else {@code null}. */
    public String tag(String txId) {
        return tags.get(txId);
    }

    /** Every transaction id delivered at least once. */
    public Set<String> delivered() {
        return Set.copyOf(deliveries.keySet());
    }

    /** The broker groups the messages were delivered from (in a cluster: broker-a, broker-b, ...). */
    public Set<String> brokers() {
        return Set.copyOf(brokers.values());
    }

    /** The transaction ids delivered from broker group {@code brokerName}. */
    public java.util.List<String> fromBroker(String brokerName) {
        return brokers.entrySet().stream().filter(e -> brokerName.equals(e.getValue())).map(Map.Entry::getKey).toList();
    }

    @Override
    public void close() {
        consumer.shutdown();
    }
}
