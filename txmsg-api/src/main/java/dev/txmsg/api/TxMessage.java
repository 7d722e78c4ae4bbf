package dev.txmsg.api;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A message to publish together with a local transaction: topic, optional tag, keys, user
 * properties, and a body given either as bytes or as a payload object that the sender converts
 * (to JSON by default).
 *
 * <pre>{@code
 * TxMessage message = TxMessage.builder("ORDER_EVENTS")
 *     .tag("ORDER_CREATED")
 *     .key(order.id())
 *     .payload(new OrderCreated(order.id(), order.amount()))
 *     .build();
 * }</pre>
 *
 * <p>Immutable. {@link Builder#build()} rejects a blank topic and an empty body with an
 * {@link IllegalArgumentException}; the sender checks what depends on the transport (topic name
 * rules, maximum size, reserved property names) before it sends or writes anything.
 */
public final class TxMessage {

    private final String topic;
    private final String tag;
    private final List<String> keys;
    private final byte[] body;
    private final Object payload;
    private final Map<String, String> properties;

    private TxMessage(Builder b) {
        this.topic = b.topic;
        this.tag = b.tag;
        this.keys = List.copyOf(b.keys);
        this.body = b.body == null ? null : b.body.clone();
        this.payload = b.payload;
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(b.properties));
    }

    /** Starts a message for {@code topic}. */
    public static Builder builder(String topic) {
        return new Builder(topic);
    }

    /** The topic. */
    public String topic() {
        return topic;
    }

    /** The tag, or {@code null}. */
    public String tag() {
        return tag;
    }

    /** The keys (business identifiers to look the message up by), possibly empty. */
    public List<String> keys() {
        return keys;
    }

    /** The body's bytes (a copy), or {@code null} if the body is a {@link #payload()}. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** The payload object that the sender converts into the body, or {@code null} if the body is bytes. */
    public Object payload() {
        return payload;
    }

    /** The user properties, in insertion order. */
    public Map<String, String> properties() {
        return properties;
    }

    @Override
    public String toString() {
        return "TxMessage[topic=" + topic + ", tag=" + tag + ", keys=" + keys
            + (body != null ? ", body=" + body.length + " bytes" : ", payload=" + payload.getClass().getName())
            + ", properties=" + properties.keySet() + "]";
    }

    /** Builds a {@link TxMessage}; not thread-safe. */
    public static final class Builder {
        private final String topic;
        private String tag;
        private final List<String> keys = new java.util.ArrayList<>();
        private byte[] body;
        private Object payload;
        private final Map<String, String> properties = new LinkedHashMap<>();

        private Builder(String topic) {
            this.topic = topic;
        }

        /** Sets the tag, by which consumers may filter. */
        public Builder tag(String tag) {
            this.tag = tag;
            return this;
        }

        /** Adds a key (a business identifier such as an order id). */
        public Builder key(String key) {
            this.keys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** Adds keys. */
        public Builder keys(String... keys) {
            Arrays.stream(keys).forEach(this::key);
            return this;
        }

        /** Sets the body as bytes (copied); replaces a payload set before. */
        public Builder body(byte[] body) {
            this.body = Objects.requireNonNull(body, "body").clone();
            this.payload = null;
            return this;
        }

        /** Sets the body as an object that the sender converts (JSON by default); replaces bytes set before. */
        public Builder payload(Object payload) {
            this.payload = Objects.requireNonNull(payload, "payload");
            this.body = null;
            return this;
        }

        /** Adds a user property. */
        public Builder property(String name, String value) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("property name must not be blank");
            }
            this.properties.put(name, Objects.requireNonNull(value, () -> "value of property " + name));
            return this;
        }

        /**
         * Builds the message.
         *
         * @throws IllegalArgumentException if the topic is blank, or there is no body, or the body is empty
         */
        public TxMessage build() {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            if (body == null && payload == null) {
                throw new IllegalArgumentException("message to topic " + topic + " has no body: set body(bytes) or payload(object)");
            }
            if (body != null && body.length == 0) {
                throw new IllegalArgumentException("message to topic " + topic + " has an empty body");
            }
            return new TxMessage(this);
        }
    }
}
