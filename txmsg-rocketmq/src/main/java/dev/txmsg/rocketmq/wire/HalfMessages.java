package dev.txmsg.rocketmq.wire;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageConst;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.TxMessage;

/**
 * Turns a {@link TxMessage} into a RocketMQ half (prepared) message, after checking everything
 * the broker would refuse or silently drop: a message that passes here is one RocketMQ takes as
 * given. Nothing is written or sent for a message that fails.
 */
public final class HalfMessages {

    private static final Set<String> DELAY_PROPERTIES = Set.of(MessageConst.PROPERTY_DELAY_TIME_LEVEL,
        MessageConst.PROPERTY_TIMER_DELAY_SEC, MessageConst.PROPERTY_TIMER_DELIVER_MS, MessageConst.PROPERTY_TIMER_DELAY_MS);
    private static final int MAX_PROPERTIES_BYTES = Short.MAX_VALUE;
    /** What txmsg's tables keep of a tag and of the keys (txmsg_dead_letter, txmsg_in_doubt). */
    static final int MAX_TAG_CHARS = 255;
    static final int MAX_KEYS_CHARS = 1024;

    private final String group;
    private final String logIdentity;
    private final int maxBodyBytes;
    private final PayloadConverter converter;

    /**
     * @param group        the producer group as the started producer names it (with its namespace, if any): the
     *                     broker checks the end and finds the producer to check back by it
     * @param logIdentity  the transaction log's identity, carried by every message
     * @param maxBodyBytes the largest body the broker takes
     * @param converter    turns payload objects into bodies
     */
    public HalfMessages(String group, String logIdentity, int maxBodyBytes, PayloadConverter converter) {
        this.group = Objects.requireNonNull(group, "group");
        this.logIdentity = Objects.requireNonNull(logIdentity, "logIdentity");
        this.maxBodyBytes = maxBodyBytes;
        this.converter = Objects.requireNonNull(converter, "converter");
    }

    /**
     * Creates the half message with a fresh unique id (the transaction id).
     *
     * @throws IllegalArgumentException naming what is wrong, if RocketMQ would refuse or alter the message
     */
    public Message create(TxMessage message) {
        return create(message, true);
    }

    /**
     * Creates a normal (not transactional) message with a fresh unique id (the transaction id),
     * checked as {@link #create(TxMessage)} checks a half message: the outbox's form of a message.
     *
     * @throws IllegalArgumentException naming what is wrong, if RocketMQ would refuse or alter the message
     */
    public Message createNormal(TxMessage message) {
        return create(message, false);
    }

    private Message create(TxMessage message, boolean transactional) {
        Objects.requireNonNull(message, "message");
        String topic = Topics.requireValid(message.topic());
        if (message.tag() != null && (message.tag().isBlank() || message.tag().contains("||"))) {
            throw new IllegalArgumentException("invalid tag '" + message.tag() + "' for topic " + topic
                + ": a tag must not be blank or contain '||'");
        }
        if (message.tag() != null && message.tag().length() > MAX_TAG_CHARS) {
            throw new IllegalArgumentException("the tag of the message to topic " + topic + " has " + message.tag().length()
                + " characters, over the maximum of " + MAX_TAG_CHARS);
        }
        int keyChars = 0;
        for (String key : message.keys()) { // loops, not streams: this runs on every send
            keyChars += key.length() + 1;
            if (key.isEmpty() || containsWhitespace(key)) {
                throw new IllegalArgumentException("invalid key '" + key + "' for topic " + topic
                    + ": keys must not be blank or contain whitespace (RocketMQ separates keys with spaces)");
            }
        }
        if (keyChars > MAX_KEYS_CHARS) {
            throw new IllegalArgumentException("the keys of the message to topic " + topic + " take " + keyChars
                + " characters (separated by spaces), over the maximum of " + MAX_KEYS_CHARS);
        }
        checkProperties(topic, message.properties());
        byte[] body = body(message);

        Message half = new Message(topic, body);
        if (message.tag() != null) {
            half.setTags(message.tag());
        }
        if (!message.keys().isEmpty()) {
            half.setKeys(message.keys());
        }
        message.properties().forEach(half::putUserProperty);
        if (transactional) {
            MessageAccessor.putProperty(half, MessageConst.PROPERTY_TRANSACTION_PREPARED, "true");
            MessageAccessor.putProperty(half, MessageConst.PROPERTY_PRODUCER_GROUP, group);
        }
        MessageAccessor.putProperty(half, WireFormat.LOG_IDENTITY_PROPERTY, logIdentity);
        MessageAccessor.putProperty(half, WireFormat.TOPIC_PROPERTY, topic);
        // Set the id here, on the caller's thread: an asynchronous send would assign it later, on
        // another thread, after the log row needed it.
        MessageClientIDSetter.setUniqID(half);
        return half;
    }

    private byte[] body(TxMessage message) {
        byte[] body = message.body();
        if (body == null) {
            body = converter.toBytes(message.payload());
            if (body == null || body.length == 0) {
                throw new IllegalArgumentException("the payload of the message to topic " + message.topic()
                    + " converted to an empty body");
            }
        }
        if (body.length > maxBodyBytes) {
            throw new IllegalArgumentException("the body of the message to topic " + message.topic() + " is " + body.length
                + " bytes, over the maximum of " + maxBodyBytes + " bytes (rocketmq.producer.max-message-size; "
                + "the broker's maxMessageSize must allow it too)");
        }
        return body;
    }

    private static void checkProperties(String topic, Map<String, String> properties) {
        int bytes = 0;
        for (Map.Entry<String, String> p : properties.entrySet()) {
            String name = p.getKey();
            if (DELAY_PROPERTIES.contains(name)) {
                throw new IllegalArgumentException("property " + name + " asks for a delay, but transactional messages "
                    + "cannot be delayed (RocketMQ would drop the delay silently); the message to topic " + topic
                    + " was not sent. Delay in the consumer, or send a plain delayed message from it.");
            }
            if (MessageConst.STRING_HASH_SET.contains(name) || name.startsWith(WireFormat.RESERVED_PREFIX)) {
                throw new IllegalArgumentException("property " + name + " is reserved by RocketMQ or txmsg (names starting with TXMSG_); the message to topic "
                    + topic + " was not sent. Use another name.");
            }
            if (containsSeparator(name) || containsSeparator(p.getValue())) {
                throw new IllegalArgumentException("property " + name + " of the message to topic " + topic
                    + " contains a control character that RocketMQ uses as a separator (\\u0001 or \\u0002)");
            }
            bytes += name.getBytes(StandardCharsets.UTF_8).length + p.getValue().getBytes(StandardCharsets.UTF_8).length + 2;
        }
        if (bytes > MAX_PROPERTIES_BYTES / 2) {
            throw new IllegalArgumentException("the properties of the message to topic " + topic + " take " + bytes
                + " bytes; RocketMQ allows " + MAX_PROPERTIES_BYTES + " for all properties, system ones included; keep yours under "
                + MAX_PROPERTIES_BYTES / 2);
        }
    }

    private static boolean containsWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsSeparator(String s) {
        return s.indexOf(MessageDecoderChars.NAME_VALUE_SEPARATOR) >= 0 || s.indexOf(MessageDecoderChars.PROPERTY_SEPARATOR) >= 0;
    }

    /** RocketMQ's property separators (MessageDecoder's). */
    private static final class MessageDecoderChars {
        static final char NAME_VALUE_SEPARATOR = 1;
        static final char PROPERTY_SEPARATOR = 2;
    }
}
