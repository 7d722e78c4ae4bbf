package dev.txmsg.rocketmq.wire;

import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.topic.TopicValidator;

/** What RocketMQ accepts as the name of an application's topic. */
public final class Topics {

    private static final int MAX_CHARS = 127;

    private Topics() {
    }

    /**
     * Checks a topic an application sends to.
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireValid(String topic) {
        if (topic == null || !validName(topic)) {
            throw new IllegalArgumentException("invalid topic '" + topic + "': RocketMQ topics are 1 to 127 letters, digits, "
                + "'-', '_', '%' or '|'");
        }
        if (TopicValidator.isSystemTopic(topic) || topic.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX)
            || topic.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)) {
            throw new IllegalArgumentException("topic '" + topic + "' is a RocketMQ system topic; send to a topic of your own");
        }
        return topic;
    }

    /** 1 to 127 of {@code [%|a-zA-Z0-9_-]}: a loop, not a regex, as it runs on every send. */
    private static boolean validName(String topic) {
        int n = topic.length();
        if (n == 0 || n > MAX_CHARS) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = topic.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '%' || c == '|' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
