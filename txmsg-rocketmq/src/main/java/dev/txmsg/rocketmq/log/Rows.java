package dev.txmsg.rocketmq.log;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;

/** Conversions between table rows and the api's records. */
public final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };

    private Rows() {
    }

    /** Properties as stored: a JSON object. */
    public static String properties(Map<String, String> properties) {
        try {
            return JSON.writeValueAsString(properties == null ? Map.of() : properties);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Properties from their stored form. */
    public static Map<String, String> properties(String json) {
        try {
            return json == null || json.isBlank() ? Map.of() : JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable properties " + json, e);
        }
    }

    /** Keys as stored: separated by spaces, or null; cut to the column's 1,024 characters (keys of messages not sent by txmsg may be longer). */
    public static String keys(List<String> keys) {
        return keys == null || keys.isEmpty() ? null : fit(String.join(" ", keys), 1024);
    }

    /** A tag as stored: cut to the column's 255 characters (tags of messages not sent by txmsg may be longer). */
    public static String tag(String tag) {
        return tag == null ? null : fit(tag, 255);
    }

    private static String fit(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** Keys from their stored form. */
    public static List<String> keys(String keys) {
        return keys == null || keys.isBlank() ? List.of() : Arrays.asList(keys.trim().split(" +"));
    }

    static DeadLetter deadLetter(DeadLetterRow r) {
        return new DeadLetter(r.id, r.consumerGroup, r.messageKey, r.messageId, r.topic, r.tag, keys(r.messageKeys), r.body,
            properties(r.properties), r.attempts, r.firstFailureAt, r.lastFailureAt, r.cause, DeadLetter.Status.valueOf(r.status),
            r.resolution);
    }

    static InDoubtTransaction inDoubt(InDoubtRow r) {
        return new InDoubtTransaction(r.txId, r.producerGroup, r.topic, r.tag, keys(r.messageKeys), r.body, properties(r.properties),
            r.bornAt, r.recordedAt, InDoubtTransaction.Status.valueOf(r.status), r.resolution);
    }
}
