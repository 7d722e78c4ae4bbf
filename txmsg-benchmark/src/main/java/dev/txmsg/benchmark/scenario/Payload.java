package dev.txmsg.benchmark.scenario;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.messaging.support.MessageBuilder;

import dev.txmsg.api.TxMessage;

/**
 * The one message every scenario sends: a 256-byte body, tag {@code ORDER_CREATED}, the order id as
 * its key. Only the client type differs.
 */
public final class Payload {

    /** Size of every body. */
    public static final int BODY_BYTES = 256;
    static final String TAG = "ORDER_CREATED";

    /** Shared, never modified: the clients only read it. */
    private static final byte[] BODY = body();

    private Payload() {
    }

    private static byte[] body() {
        byte[] body = new byte[BODY_BYTES];
        byte[] json = "{\"event\":\"ORDER_CREATED\",\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(body, (byte) 'x');
        System.arraycopy(json, 0, body, 0, json.length);
        body[BODY_BYTES - 2] = '"';
        body[BODY_BYTES - 1] = '}';
        return body;
    }

    /** The key of order {@code orderId}. */
    public static String key(long orderId) {
        return Long.toString(orderId);
    }

    /** For txmsg. */
    public static TxMessage txMessage(String topic, long orderId) {
        return TxMessage.builder(topic).tag(TAG).key(key(orderId)).body(BODY).build();
    }

    /** For a RocketMQ producer. */
    static Message rocketMessage(String topic, long orderId) {
        return new Message(topic, TAG, key(orderId), BODY);
    }

    /** For rocketmq-spring's template. */
    static org.springframework.messaging.Message<byte[]> springMessage(long orderId) {
        return MessageBuilder.withPayload(BODY).setHeader(RocketMQHeaders.KEYS, key(orderId)).build();
    }
}
