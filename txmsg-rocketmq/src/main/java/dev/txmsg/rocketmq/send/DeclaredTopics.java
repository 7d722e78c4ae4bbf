package dev.txmsg.rocketmq.send;

import java.util.List;

import org.apache.rocketmq.client.impl.factory.MQClientInstance;
import org.apache.rocketmq.client.impl.producer.TopicPublishInfo;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a producer known to the brokers of the topics it publishes to, before its first send: a
 * producer only heartbeats to brokers it has a route for, and the broker sends check-backs only to
 * producers it heard from — so a restarted service would otherwise settle its in-doubt messages
 * only after its first send.
 *
 * <p>RocketMQ's own {@code setTopics} fails the producer's start when the name server is
 * unreachable; here an unreachable name server is only a warning: the topics stay in the
 * producer's table, and the client's periodic route refresh picks them up once it answers.
 */
public final class DeclaredTopics {

    private static final Logger LOG = LoggerFactory.getLogger(DeclaredTopics.class);

    private DeclaredTopics() {
    }

    /** Fetches the routes of {@code topics} for the started {@code producer}, then heartbeats. */
    public static void declare(TransactionMQProducer producer, List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        MQClientInstance client = producer.getDefaultMQProducerImpl().getMqClientFactory();
        for (String topic : topics) {
            String full = producer.withNamespace(topic);
            producer.getDefaultMQProducerImpl().getTopicPublishInfoTable().putIfAbsent(full, new TopicPublishInfo());
            try {
                // A topic that does not exist yet (created by its first message) is routed like the default topic.
                if (!client.updateTopicRouteInfoFromNameServer(full)) {
                    client.updateTopicRouteInfoFromNameServer(full, true, producer);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not fetch the route of topic {} from the name server ({}); check-backs for in-doubt messages "
                    + "of group {} reach this service once the name server answers", topic, e.getMessage(), producer.getProducerGroup());
            }
        }
        try {
            client.sendHeartbeatToAllBrokerWithLock();
        } catch (RuntimeException e) {
            LOG.debug("heartbeat after declaring topics failed", e);
        }
    }
}
