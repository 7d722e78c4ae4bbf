package dev.txmsg.rocketmq.wire;

import java.util.regex.Pattern;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.topic.TopicValidator;

/** What RocketMQ accepts as the name of an application's topic. */
public final class Topics {

    private static final Pattern NAME = Pattern.compile("[%|a-zA-Z0-9_-]{1,127}");

    private Topics() {
    }

    /**
     * Checks a topic an application sends to.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireValid(String topic) {
        if (topic == null || !NAME.matcher(topic).matches()) {
            throw new IllegalArgumentException("invalid topic '" + topic + "': RocketMQ topics are 1 to 127 letters, digits, "
                + "'-', '_', '%' or '|'");
        }
        if (TopicValidator.isSystemTopic(topic) || topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)
            || topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) {
            throw new IllegalArgumentException("topic '" + topic + "' is a RocketMQ system topic; send to a topic of your own");
        }
        return topic;
    }
}
