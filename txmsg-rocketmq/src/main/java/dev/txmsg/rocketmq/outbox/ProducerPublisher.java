package dev.txmsg.rocketmq.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Publishes through RocketMQ's producer: a batch send to the partition's queue (partition modulo
 * the topic's writable queues, sorted by broker and queue id). A topic's queues are learned from a
 * send with a queue selector (which also lets a broker create a topic it creates automatically)
 * and relearned every half minute or after a failure. A key stays on its queue while the topic's
 * writable queues stay the same; a broker added, removed or made read-only moves partitions to
 * other queues, as it moves RocketMQ's own ordered messages.
 */
public final class ProducerPublisher implements OutboxPublisher {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProducerPublisher.class);
    private static final long ROUTE_TTL_NANOS = Duration.ofSeconds(30).toNanos();
    private static final Comparator<MessageQueue> QUEUE_ORDER = Comparator.comparing(MessageQueue::getBrokerName)
        .thenComparingInt(MessageQueue::getQueueId);

    private final DefaultMQProducer producer;
    private final long timeoutMillis;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    private record Route(List<MessageQueue> queues, long learnedAt) {
    }

    /** Publishing through {@code producer}, each send waiting at most {@code timeout}. */
    public ProducerPublisher(DefaultMQProducer producer, Duration timeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void publish(String topic, int partition, List<Message> messages) throws Exception {
        try {
            List<Message> rest = messages;
            Route route = routes.get(topic);
            if (route == null || System.nanoTime() - route.learnedAt() > ROUTE_TTL_NANOS) {
                stored(producer.send(messages.get(0), (queues, message, arg) -> {
                    List<MessageQueue> sorted = new ArrayList<>(queues);
                    sorted.sort(QUEUE_ORDER); // the same partition, the same queue, on every relay
                    routes.put(topic, new Route(List.copyOf(sorted), System.nanoTime()));
                    return sorted.get(Math.floorMod(partition, sorted.size()));
                }, null, timeoutMillis));
                rest = messages.subList(1, messages.size());
                route = routes.get(topic);
            }
            if (rest.isEmpty()) {
                return;
            }
            MessageQueue queue = route.queues().get(Math.floorMod(partition, route.queues().size()));
            // The selector saw queues without the namespace; the batch send does not add it (the single send does).
            stored(rest.size() == 1 ? producer.send(rest.get(0), queue, timeoutMillis)
                : producer.send(rest, producer.queueWithNamespace(queue), timeoutMillis));
        } catch (Exception e) {
            routes.remove(topic);
            throw e;
        }
    }

    /**
     * A status other than SEND_OK (a flush or a replica that timed out, no replica) still means the
     * master took the messages: sending them again would only repeat them, indefinitely while a
     * replica is missing. Logged, not retried.
     */
    private static void stored(SendResult result) {
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            LOG.debug("the broker took outbox messages with status {}: not flushed or not replicated as configured",
                result.getSendStatus());
        }
    }
}
