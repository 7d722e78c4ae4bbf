package dev.txmsg.rocketmq.outbox;

import java.time.Duration;
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
 * Publishes through RocketMQ's producer: a batch send to the partition's queue. A topic's queues
 * are learned from a send with a queue selector (which also lets a broker create a topic it
 * creates automatically) and relearned every half minute or after a failure.
 */
public final class ProducerPublisher implements OutboxPublisher {

    private static final long ROUTE_TTL_NANOS = Duration.ofSeconds(30).toNanos();

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
                    routes.put(topic, new Route(List.copyOf(queues), System.nanoTime()));
                    return queues.get(Math.floorMod(partition, queues.size()));
                }, null, timeoutMillis));
                rest = messages.subList(1, messages.size());
                route = routes.get(topic);
            }
            if (rest.isEmpty()) {
                return;
            }
            MessageQueue queue = route.queues().get(Math.floorMod(partition, route.queues().size()));
            stored(rest.size() == 1 ? producer.send(rest.get(0), queue, timeoutMillis) : producer.send(rest, queue, timeoutMillis));
        } catch (Exception e) {
            routes.remove(topic);
            throw e;
        }
    }

    private static void stored(SendResult result) throws NotStoredException {
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new NotStoredException(result.getSendStatus());
        }
    }

    /** The broker took the messages but did not confirm that they are stored as configured (flush, replica). */
    static final class NotStoredException extends Exception {
        private static final long serialVersionUID = 1L;

        NotStoredException(SendStatus status) {
            super("the broker answered " + status + ": the messages may not be stored; they are published again");
        }
    }
}
