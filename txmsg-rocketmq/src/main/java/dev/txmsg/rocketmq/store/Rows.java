package dev.txmsg.rocketmq.store;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.ops.DeadLetter;
import dev.txmsg.api.ops.InDoubtTransaction;

/** Conversions between the rows of the consumer tables and the records txmsg hands around. */
final class Rows {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };

    private Rows() {
    }

    /** Properties as stored: a JSON object. */
    static String properties(Map<String, String> properties) {
        try {
            return JSON.writeValueAsString(properties == null ? Map.of() : properties);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Properties from their stored form. */
    static Map<String, String> properties(String json) {
        try {
            return json == null || json.isBlank() ? Map.of() : JSON.readValue(json, MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable properties " + json, e);
        }
    }

    /** Keys as stored: separated by spaces, or null; cut to the column's 1,024 characters (keys of messages not sent by txmsg may be longer). */
    static String keys(List<String> keys) {
        return keys == null || keys.isEmpty() ? null : fit(String.join(" ", keys), 1024);
    }

    /** A tag as stored: cut to the column's 255 characters (tags of messages not sent by txmsg may be longer). */
    static String tag(String tag) {
        return tag == null ? null : fit(tag, 255);
    }

    /** At most {@code max} characters, NUL shown as {@code \0} (PostgreSQL's text columns refuse it). */
    private static String fit(String s, int max) {
        String text = s.replace("\u0000", "\\0");
        return text.length() <= max ? text : text.substring(0, max);
    }

    /** Keys from their stored form. */
    static List<String> keys(String keys) {
        return keys == null || keys.isBlank() ? List.of() : Arrays.asList(keys.trim().split(" +"));
    }

    static DeadLetterRow deadLetterRow(FailedDelivery f) {
        DeadLetterRow r = new DeadLetterRow();
        r.consumerGroup = f.consumerGroup();
        r.messageKey = f.deduplicationKey();
        r.messageId = f.messageId();
        r.topic = f.topic();
        r.tag = tag(f.tag());
        r.messageKeys = keys(f.keys());
        r.body = f.body();
        r.properties = properties(f.properties());
        r.attempts = f.attempts();
        r.cause = f.cause();
        r.status = (f.dead() ? DeadLetter.Status.DEAD : DeadLetter.Status.RETRYING).name();
        return r;
    }

    static InDoubtRow inDoubtRow(InDoubtTransaction t) {
        InDoubtRow r = new InDoubtRow();
        r.txId = t.transactionId();
        r.producerGroup = t.producerGroup();
        r.topic = t.topic();
        r.tag = tag(t.tag());
        r.messageKeys = keys(t.keys());
        r.body = t.body();
        r.properties = properties(t.properties());
        r.bornAt = t.bornAt();
        r.status = t.status().name();
        r.resolution = t.resolution();
        return r;
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
