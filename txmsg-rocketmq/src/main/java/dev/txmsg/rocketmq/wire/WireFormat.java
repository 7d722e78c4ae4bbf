package dev.txmsg.rocketmq.wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

import dev.txmsg.api.spi.CheckRequest;

/**
 * What txmsg writes on a RocketMQ message besides the application's own, and how it reads it
 * back: the one place the send, the check-back, the in-doubt watcher and the consumers agree on.
 * <ul>
 * <li>{@code UNIQ_KEY}, RocketMQ's unique message id: the transaction id, set by txmsg before the send;</li>
 * <li>{@value #LOG_IDENTITY_PROPERTY}: the identity of the transaction log that wrote it;</li>
 * <li>{@value #TOPIC_PROPERTY}: the topic the application sent to, without a namespace;</li>
 * <li>keys separated by spaces, as RocketMQ keeps them.</li>
 * </ul>
 * Property names starting with {@value #RESERVED_PREFIX} are txmsg's.
 */
public final class WireFormat {

    /** Property names starting with it are txmsg's; an application may not set them. */
    public static final String RESERVED_PREFIX = "TXMSG_";

    /** The property naming the transaction log that wrote a message; the check-back compares it with its own. */
    public static final String LOG_IDENTITY_PROPERTY = "TXMSG_LOG";

    /**
     * The property holding the topic the application sent to, without a namespace: the in-doubt
     * watcher republishes there. RocketMQ's own {@code REAL_TOPIC} is rewritten when a message is
     * redelivered through a retry topic.
     */
    public static final String TOPIC_PROPERTY = "TXMSG_TOPIC";

    private WireFormat() {
    }

    /** The transaction id of a message txmsg sent (its unique id), or {@code null}. */
    public static String transactionId(Message m) {
        return m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    }

    /** Whether txmsg sent {@code m} (it carries a log identity and a unique id). */
    public static boolean sentByTxmsg(Message m) {
        return m.getProperty(LOG_IDENTITY_PROPERTY) != null && transactionId(m) != null;
    }

    /** The message's keys, in order; empty if it has none. */
    public static List<String> keys(Message m) {
        return keys(m.getKeys());
    }

    /** Keys as RocketMQ keeps them (separated by spaces), in order; empty for none. */
    public static List<String> keys(String spaceSeparated) {
        return spaceSeparated == null || spaceSeparated.isBlank() ? List.of() : List.of(spaceSeparated.trim().split(" +"));
    }

    /**
     * The properties an application set, without RocketMQ's own — but with the unique id and
     * txmsg's, which tell txmsg's messages apart and let them be published again as they were.
     */
    public static Map<String, String> userProperties(Map<String, String> all) {
        return all.entrySet().stream()
            .filter(e -> !MessageConst.STRING_HASH_SET.contains(e.getKey())
                || e.getKey().equals(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX))
            .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * A check request about a half message.
     *
     * @param m     the half message, as the broker hands it back
     * @param topic the topic it was sent to
     * @param group the producer group asked
     */
    public static CheckRequest checkRequest(MessageExt m, String topic, String group) {
        String txId = m.getTransactionId() != null ? m.getTransactionId() : transactionId(m);
        String checkTimes = m.getProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES);
        return new CheckRequest(txId, m.getMsgId(), topic, group, m.getProperty(LOG_IDENTITY_PROPERTY),
            Instant.ofEpochMilli(m.getBornTimestamp()), checkTimes == null ? 0 : Integer.parseInt(checkTimes), m.getProperties());
    }
}
