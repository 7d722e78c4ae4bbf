package dev.txmsg.benchmark.broker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.impl.MQClientAPIImpl;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.apache.rocketmq.remoting.protocol.route.BrokerData;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;

/**
 * Administration through the client's own API, the same for every broker mode: creates the run's
 * topics on every master and reads the broker's settings. Its producer never sends.
 */
public final class BrokerAdmin implements AutoCloseable {

    private static final long TIMEOUT_MILLIS = 5000;

    private final String nameServer;
    private final DefaultMQProducer client;
    private final MQClientAPIImpl api;

    private BrokerAdmin(String nameServer, DefaultMQProducer client) {
        this.nameServer = nameServer;
        this.client = client;
        this.api = client.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl();
    }

    /** Connects to the name server. */
    public static BrokerAdmin connect(String nameServer) {
        DefaultMQProducer client = new DefaultMQProducer("bench-admin");
        client.setNamesrvAddr(nameServer);
        try {
            client.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("could not start a RocketMQ client for " + nameServer + ": " + e.getMessage(), e);
        }
        return new BrokerAdmin(nameServer, client);
    }

    /** Creates (or resizes) {@code topics} on every master and waits until the name server serves their routes. */
    public void createTopics(Collection<String> topics, int queues) {
        List<String> masters = masters();
        for (String topic : topics) {
            for (String master : masters) {
                try {
                    api.createTopic(master, TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC, new TopicConfig(topic, queues, queues),
                        TIMEOUT_MILLIS);
                } catch (Exception e) {
                    throw new IllegalStateException("could not create topic " + topic + " on broker " + master + " (" + e
                        + "); create it yourself with " + queues + " queues, or allow this client to create topics", e);
                }
            }
            awaitRoute(topic);
        }
    }

    /** The settings of the first master broker. */
    public BrokerSettings settings() {
        List<String> masters = masters();
        String master = masters.get(0);
        try {
            return BrokerSettings.from(version(master), masters.size(), api.getBrokerConfig(master, TIMEOUT_MILLIS));
        } catch (Exception e) {
            throw new IllegalStateException("could not read the configuration of broker " + master + ": " + e, e);
        }
    }

    /**
     * The broker's version, from its runtime statistics, which a broker that has just started may not
     * have ready yet (it then fails the request): asked a few times, else reported as unknown.
     */
    private String version(String master) throws InterruptedException {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                return api.getBrokerRuntimeInfo(master, TIMEOUT_MILLIS).getTable().getOrDefault("brokerVersionDesc", "unknown");
            } catch (Exception e) {
                TimeUnit.MILLISECONDS.sleep(500);
            }
        }
        return "unknown (the broker did not report its runtime statistics)";
    }

    private List<String> masters() {
        ClusterInfo cluster;
        try {
            cluster = api.getBrokerClusterInfo(TIMEOUT_MILLIS);
        } catch (Exception e) {
            throw new IllegalStateException("the name server at " + nameServer + " did not answer (" + e + "); is it running?", e);
        }
        List<String> masters = new ArrayList<>();
        Map<String, BrokerData> brokers = new TreeMap<>(cluster.getBrokerAddrTable());
        for (BrokerData broker : brokers.values()) {
            String master = broker.getBrokerAddrs().get(MixAll.MASTER_ID);
            if (master != null) {
                masters.add(master);
            }
        }
        if (masters.isEmpty()) {
            throw new IllegalStateException("the name server at " + nameServer + " knows no master broker; start one");
        }
        return masters;
    }

    private void awaitRoute(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                TopicRouteData route = api.getTopicRouteInfoFromNameServer(topic, TIMEOUT_MILLIS);
                if (route != null && !route.getQueueDatas().isEmpty()) {
                    return;
                }
            } catch (MQClientException e) {
                // not registered yet: the broker registers new topics with the name server shortly
            } catch (Exception e) {
                throw new IllegalStateException("could not read the route of topic " + topic + " from " + nameServer + ": " + e, e);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the route of topic " + topic, e);
            }
        }
        throw new IllegalStateException("the name server at " + nameServer + " served no route for topic " + topic + " within 30 s");
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
