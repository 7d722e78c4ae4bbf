package dev.txmsg.rocketmq.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the transaction ids of the messages a business key names. {@link #broker} asks the broker's
 * key index (the index RocketMQ keeps of every message's keys, for as long as its commit log keeps
 * the message): the way to find a message that was delivered and left no record but its consume-log
 * rows, which hold no business key.
 */
@FunctionalInterface
public interface KeyIndex {

    /** No index. */
    KeyIndex NONE = key -> List.of();

    /** The transaction ids of the messages whose keys include {@code key}; empty if none or if the index cannot be asked. */
    List<String> transactionIds(String key);

    /**
     * The broker's key index, asked through {@code client} for each of {@code topics} over the last
     * {@code window}, at most 32 messages per topic.
     */
    static KeyIndex broker(DefaultMQProducer client, Supplier<? extends Collection<String>> topics, Duration window) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(window, "window");
        Logger log = LoggerFactory.getLogger(KeyIndex.class);
        return key -> {
            Set<String> ids = new LinkedHashSet<>();
            long end = System.currentTimeMillis();
            for (String topic : topics.get()) {
                try {
                    @SuppressWarnings("deprecation") // the query by key RocketMQ's own tools use; no replacement in the client
                    QueryResult found = client.queryMessage(topic, key, 32, end - window.toMillis(), end);
                    for (MessageExt m : found.getMessageList()) {
                        String id = MessageClientIDSetter.getUniqID(m);
                        if (id != null && m.getKeys() != null && List.of(m.getKeys().split(" ")).contains(key)) {
                            ids.add(id);
                        }
                    }
                } catch (MQClientException e) {
                    log.debug("no message with key {} in topic {} ({})", key, topic, e.getErrorMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (RuntimeException e) {
                    log.info("the broker's key index could not be asked for key {} in topic {}: {}", key, topic, e.toString());
                }
            }
            return new ArrayList<>(ids);
        };
    }
}
