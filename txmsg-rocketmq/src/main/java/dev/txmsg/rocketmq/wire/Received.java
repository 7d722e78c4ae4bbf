package dev.txmsg.rocketmq.wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.consume.ReceivedMessage;
import dev.txmsg.api.ops.DeadLetter;

/** A {@link ReceivedMessage} from a RocketMQ message, or from a dead letter being replayed. */
public final class Received implements ReceivedMessage {

    private final String deduplicationKey;
    private final String transactionId;
    private final String messageId;
    private final String topic;
    private final String tag;
    private final List<String> keys;
    private final byte[] body;
    private final Map<String, String> properties;
    private final Instant bornAt;
    private final int attempt;
    private final PayloadConverter converter;

    private Received(String deduplicationKey, String transactionId, String messageId, String topic, String tag, List<String> keys,
                     byte[] body, Map<String, String> properties, Instant bornAt, int attempt, PayloadConverter converter) {
        this.deduplicationKey = deduplicationKey;
        this.transactionId = transactionId;
        this.messageId = messageId;
        this.topic = topic;
        this.tag = tag;
        this.keys = keys;
        this.body = body;
        this.properties = properties;
        this.bornAt = bornAt;
        this.attempt = attempt;
        this.converter = converter;
    }

    /**
     * A delivered message, as the handler of {@code topic} (the subscription's topic, without a
     * namespace) sees it. It is de-duplicated by its message identity: the transaction id for a
     * message sent by txmsg, else RocketMQ's unique message id (kept by producer retries and
     * redeliveries), else the broker's message id of the original delivery — never by a business
     * key, which two different messages may share.
     */
    public static Received of(MessageExt m, String topic, PayloadConverter converter) {
        Map<String, String> all = m.getProperties();
        String uniq = all.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        boolean sentByTxmsg = WireFormat.sentByTxmsg(m);
        List<String> keys = WireFormat.keys(m);
        // Without a unique id, a redelivered copy has a message id of its own: take the original's.
        String messageId = uniq != null ? uniq : all.getOrDefault(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID, m.getMsgId());
        return new Received(messageId, sentByTxmsg ? uniq : null, messageId, topic, m.getTags(), keys, m.getBody(),
            WireFormat.userProperties(all), Instant.ofEpochMilli(m.getBornTimestamp()), m.getReconsumeTimes() + 1, converter);
    }

    public static Received replayOf(DeadLetter d, PayloadConverter converter) {
        return new Received(d.deduplicationKey(), d.properties().containsKey(WireFormat.LOG_IDENTITY_PROPERTY) ? d.deduplicationKey() : null,
            d.messageId(), d.topic(), d.tag(), d.keys(), d.body(), d.properties(), d.firstFailureAt(), d.attempts() + 1, converter);
    }

    @Override
    public String deduplicationKey() {
        return deduplicationKey;
    }

    @Override
    public String transactionId() {
        return transactionId;
    }

    @Override
    public String messageId() {
        return messageId;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public String tag() {
        return tag;
    }

    @Override
    public List<String> keys() {
        return keys;
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body without a copy, for recording. */
    public byte[] rawBody() {
        return body;
    }

    @Override
    public <T> T payload(Class<T> type) {
        return converter.fromBytes(body, Objects.requireNonNull(type, "type"));
    }

    @Override
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public Instant bornAt() {
        return bornAt;
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public String toString() {
        return "message " + messageId + " (topic " + topic + ", tag " + tag + ", key " + deduplicationKey + ", attempt " + attempt + ")";
    }
}
