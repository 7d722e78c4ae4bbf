package dev.txmsg.rocketmq.outbox;

import java.util.List;

import org.apache.rocketmq.common.message.Message;

/** Publishes the relay's messages: the broker, or a wrapper of it that injects faults in tests. */
@FunctionalInterface
public interface OutboxPublisher {

    /**
     * Publishes {@code messages}, all of {@code topic}, in order, to the message queue of
     * {@code partition} (the same queue for the same partition while the topic's queues stay).
     *
     * @throws Exception if the broker did not confirm that it stored them all; some may have been stored
     */
    void publish(String topic, int partition, List<Message> messages) throws Exception;
}
