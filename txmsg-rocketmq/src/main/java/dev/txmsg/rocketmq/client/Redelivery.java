package dev.txmsg.rocketmq.client;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyContext;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * How txmsg's push consumers are redelivered a message they could not settle. RocketMQ's default
 * gives up after 16 redeliveries and moves the message to the group's {@code %DLQ%} topic, where
 * nobody looks and txmsg's tables hold no record of it. txmsg's consumers only fail to settle a
 * message when they cannot write its outcome (the database is down): they ask again for as long as
 * it takes, with RocketMQ's growing backoff capped at a delay level.
 */
public final class Redelivery {

    /** Redeliveries without end, in effect. */
    public static final int UNLIMITED = 1_000_000;

    private Redelivery() {
    }

    /** Lets {@code consumer} be redelivered a message without end. */
    public static void unlimited(DefaultMQPushConsumer consumer) {
        consumer.setMaxReconsumeTimes(UNLIMITED);
    }

    /**
     * Asks for {@code m} again after RocketMQ's usual backoff (delay level 3 + its redeliveries),
     * but never later than delay level {@code cap} (with RocketMQ's default levels: 5 = 1 min,
     * 6 = 2 min, 14 = 10 min).
     */
    public static void later(ConsumeConcurrentlyContext context, MessageExt m, int cap) {
        context.setDelayLevelWhenNextConsume(Math.min(3 + m.getReconsumeTimes(), cap));
    }
}
