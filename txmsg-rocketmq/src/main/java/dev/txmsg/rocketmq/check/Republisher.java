package dev.txmsg.rocketmq.check;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageConst;

/**
 * Publishes a committed transaction's message as a plain message with its original id, when the
 * broker's own commit path is gone (check-backs exhausted): consumers see the same transaction id
 * and de-duplicate it as usual.
 */
public final class Republisher {

    private final DefaultMQProducer producer;

    /** Publishes through {@code producer}, started. */
    public Republisher(DefaultMQProducer producer) {
        this.producer = Objects.requireNonNull(producer, "producer");
    }

    /** The producer's client, for name-server queries. */
    org.apache.rocketmq.client.impl.MQClientAPIImpl mqClientAPI() {
        return producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
    }

    /**
     * Publishes synchronously.
     *
     * @throws IllegalStateException if the broker did not store it
     */
    public void publish(String txId, String topic, String tag, List<String> keys, byte[] body, Map<String, String> properties) {
        Message out = new Message(topic, body);
        if (tag != null) {
            out.setTags(tag);
        }
        if (keys != null && !keys.isEmpty()) {
            out.setKeys(keys);
        }
        properties.forEach((name, value) -> {
            if (!MessageConst.STRING_HASH_SET.contains(name)) {
                MessageAccessor.putProperty(out, name, value);
            }
        });
        MessageAccessor.putProperty(out, MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, txId);
        SendResult result;
        try {
            result = producer.send(out);
        } catch (Exception e) {
            throw new IllegalStateException("could not publish the message of transaction " + txId + " to " + topic + ": " + e, e);
        }
        if (result.getSendStatus() != SendStatus.SEND_OK) {
            throw new IllegalStateException("publishing the message of transaction " + txId + " to " + topic + " ended "
                + result.getSendStatus());
        }
    }
}
