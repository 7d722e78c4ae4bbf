package dev.txmsg.test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.RemotingServer;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.route.TopicRouteData;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * A real RocketMQ NameServer and Broker, RocketMQ's own {@code NamesrvController} and
 * {@code BrokerController}, running in this JVM on free ports with a small store in a temporary
 * directory and fast transaction check-backs.
 *
 * <pre>{@code
 * try (EmbeddedRocketMQ mq = EmbeddedRocketMQ.builder().build().start()) {
 *     producer.setNamesrvAddr(mq.nameServerAddress());
 *     ...
 * }
 * }</pre>
 *
 * <p>Starting takes two to three seconds and stopping about seven: share one instance between
 * tests (the JUnit 5 {@link EmbeddedRocketMQExtension} does). The defaults suit tests; see
 * {@link Builder} for each setting. Not thread-safe: start, stop and restart from one thread.
 */
public final class EmbeddedRocketMQ implements AutoCloseable {

    /**
     * The system property that runs every embedded broker of a JVM in RocketMQ 5.4's RocksDB
     * transaction mode ({@link #transRocksDb}): {@code mvn test -Dtxmsg.test.broker.trans-rocksdb=true}
     * runs the same suites against that mode.
     */
    public static final String TRANS_ROCKSDB_PROPERTY = "txmsg.test.broker.trans-rocksdb";

    /**
     * Puts a store in RocketMQ 5.4's RocksDB transaction mode: half messages kept in RocksDB
     * ({@code transRocksDBEnable}) and only there ({@code transWriteOriginTransHalfEnable=false};
     * RocketMQ's default {@code true} also writes them to the half topic's queue, whose checks park
     * exhausted ones as before). In that mode the broker deletes a half message whose check-backs ran
     * out instead of moving it to {@code TRANS_CHECK_MAX_TIME_TOPIC}.
     */
    public static void transRocksDb(MessageStoreConfig store) {
        store.setTransRocksDBEnable(true);
        store.setTransWriteOriginTransHalfEnable(false);
    }

    private final Settings settings;
    private final Path storeDir;
    private final boolean ownsStoreDir;
    private NamesrvController nameServer;
    private boolean started;
    private BrokerController broker;
    private int brokerPort;

    private EmbeddedRocketMQ(Settings settings) {
        this.settings = settings;
        this.ownsStoreDir = settings.storeDir == null;
        this.storeDir = ownsStoreDir ? StoreDirectories.createTemporary() : settings.storeDir;
        this.brokerPort = settings.brokerPort;
    }

    /** A builder whose defaults suit tests: free ports, temporary store, check-backs every second. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the name server (unless this broker {@linkplain Builder#joinNameServer joins another's}),
     * then the broker, and returns once the name server serves a route to the broker (so that a
     * producer's first send finds it).
     *
     * @throws IllegalStateException if either fails to start
     */
    public synchronized EmbeddedRocketMQ start() {
        if (started) {
            throw new IllegalStateException("already started: " + nameServerAddress());
        }
        // Without it, requests go out as version 0 and the broker registers no topics.
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        if (settings.joinedNameServer == null) {
            nameServer = BrokerConfigs.startNameServer(settings.nameServerPort, storeDir);
        }
        started = true;
        try {
            startBroker();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /**
     * The name server's address, {@code 127.0.0.1:port}: what clients need as {@code namesrvAddr}
     * (for a broker that joined another name server, that one's address).
     */
    public String nameServerAddress() {
        requireStarted();
        return settings.joinedNameServer != null ? settings.joinedNameServer
            : BrokerConfigs.LOCALHOST + ":" + nameServer.getNettyServerConfig().getListenPort();
    }

    /** The broker's address, {@code 127.0.0.1:port}. */
    public String brokerAddress() {
        if (broker == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return broker.getBrokerAddr();
    }

    /** The broker's name, as it registers with the name server. */
    public String brokerName() {
        return settings.brokerName;
    }

    /** The directory that holds the broker's store. */
    public Path storeDirectory() {
        return storeDir;
    }

    /** Whether the broker is running (it may be stopped while the name server runs on). */
    public boolean isBrokerRunning() {
        return broker != null;
    }

    /**
     * Creates a topic (or updates its queue count) and waits until the name server serves its
     * route, so that consumers subscribing right after find it.
     */
    public void createTopic(String topic, int queues) {
        Objects.requireNonNull(topic, "topic");
        if (queues < 1) {
            throw new IllegalArgumentException("queues must be at least 1, was " + queues);
        }
        BrokerController b = requireBroker();
        b.getTopicConfigManager().updateTopicConfig(new TopicConfig(topic, queues, queues));
        b.registerBrokerAll(false, false, true);
        awaitRoute(topic);
    }

    /**
     * Stops the broker (the name server keeps running), as a crash or maintenance would: clients
     * see sends fail until {@link #startBroker()}. Takes several seconds.
     */
    public synchronized void stopBroker() {
        BrokerController b = requireBroker();
        broker = null;
        shutDown(b, false);
    }

    /** Starts the broker again on the same store and the same port, after {@link #stopBroker()}. */
    public synchronized void startBroker() {
        requireStarted();
        if (broker != null) {
            throw new IllegalStateException("the broker is running: " + broker.getBrokerAddr());
        }
        BrokerController b = BrokerConfigs.broker(settings, storeDir, nameServerAddress(), brokerPort);
        try {
            if (!b.initialize()) {
                throw new IllegalStateException("the broker did not initialize; store " + storeDir);
            }
            b.start();
        } catch (Exception e) {
            b.shutdown();
            throw new IllegalStateException("the broker did not start; store " + storeDir, e);
        }
        broker = b;
        brokerPort = b.getNettyServerConfig().getListenPort();
        // The first registration may go out before the name-server list is set: register again and
        // wait for a route that names this broker, not merely for the broker to be listed.
        b.registerBrokerAll(true, false, true);
        awaitRoute(TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC);
    }

    /** RocketMQ's broker, for what this class does not wrap. */
    public BrokerController brokerController() {
        return requireBroker();
    }

    /**
     * RocketMQ's name server, for what this class does not wrap.
     *
     * @throws IllegalStateException if this broker joined another name server
     */
    public NamesrvController nameServerController() {
        requireStarted();
        if (nameServer == null) {
            throw new IllegalStateException("this broker joined the name server at " + settings.joinedNameServer
                + " and runs none of its own");
        }
        return nameServer;
    }

    /**
     * Stops broker and name server (if this instance runs one) and, if the store was temporary,
     * deletes it. In a cluster, close the brokers that joined a name server before the instance that
     * runs it.
     */
    @Override
    public synchronized void close() {
        if (broker != null) {
            BrokerController b = broker;
            broker = null;
            shutDown(b, true);
        } else if (nameServer != null) {
            nameServer.shutdown();
        }
        nameServer = null;
        started = false;
        if (ownsStoreDir) {
            StoreDirectories.delete(storeDir);
        }
    }

    /**
     * Stops a broker (and the name server with it, if asked) in about half the time RocketMQ takes
     * one piece after the other: each of its network servers and clients waits up to 3 s for its
     * event thread, so once the broker has unregistered from the name server they are stopped side
     * by side (RocketMQ's shutdown hook runs right after that). The broker's own shutdown then flushes
     * and closes the store as always; stopping a network piece a second time does nothing.
     */
    private void shutDown(BrokerController b, boolean withNameServer) {
        NamesrvController ns = withNameServer ? nameServer : null;
        AtomicBoolean nameServerStopped = new AtomicBoolean(ns == null);
        b.setShutdownHook(controller -> inParallel(
            () -> shutDownIfPresent(controller.getRemotingServer()),
            () -> shutDownIfPresent(controller.getFastRemotingServer()),
            () -> controller.getBrokerOuterAPI().shutdown(),
            () -> {
                if (ns != null && nameServerStopped.compareAndSet(false, true)) {
                    ns.shutdown();
                }
            }));
        try {
            b.shutdown();
        } finally {
            if (ns != null && nameServerStopped.compareAndSet(false, true)) {
                ns.shutdown(); // the hook did not run (a RocketMQ that no longer calls it, or a failure before it)
            }
        }
    }

    /** Runs each task on a thread of its own and waits for all; a task's failure does not stop the others. */
    private static void inParallel(Runnable... tasks) {
        List<Thread> threads = new ArrayList<>();
        for (Runnable task : tasks) {
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // a piece that failed to stop is stopped again (or abandoned) by the broker's shutdown
                }
            }, "embedded-rocketmq-stop");
            t.start();
            threads.add(t);
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true; // the store's shutdown after this must not see the flag; restored below
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void shutDownIfPresent(RemotingServer server) {
        if (server != null) {
            server.shutdown();
        }
    }

    private void awaitRoute(String topic) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            TopicRouteData route = route(topic);
            if (route != null && route.getBrokerDatas().stream()
                .anyMatch(d -> settings.brokerName.equals(d.getBrokerName()))
                && !route.getQueueDatas().isEmpty()) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the route of " + topic, e);
            }
            broker.registerBrokerAll(false, false, true);
        }
        throw new IllegalStateException("the name server served no route for topic " + topic + " within 30 s");
    }

    /** The name server's route for {@code topic}, or null if it has none (yet). */
    private TopicRouteData route(String topic) {
        if (nameServer != null) {
            return nameServer.getRouteInfoManager().pickupTopicRouteData(topic);
        }
        try {
            return broker.getBrokerOuterAPI().getTopicRouteInfoFromNameServer(topic, 3000, false);
        } catch (Exception e) {
            return null; // not yet, or the name server is slow: asked again
        }
    }

    private void requireStarted() {
        if (!started) {
            throw new IllegalStateException("not started: call start() first");
        }
    }

    private BrokerController requireBroker() {
        requireStarted();
        if (broker == null) {
            throw new IllegalStateException("the broker is stopped: call startBroker() first");
        }
        return broker;
    }

    /** Immutable settings; the builder's defaults suit tests. */
    record Settings(int nameServerPort, int brokerPort, Path storeDir, String brokerName,
                            String clusterName, Duration transactionTimeout, Duration transactionCheckInterval,
                            int transactionCheckMax, Duration transactionOpBatchInterval, String messageDelayLevel,
                            int commitLogFileSize, int maxMessageSize, Consumer<BrokerConfig> brokerCustomizer,
                            String accessKey, String secretKey, String joinedNameServer,
                            Consumer<MessageStoreConfig> storeCustomizer) {
    }

    /**
     * Settings of an {@link EmbeddedRocketMQ}. Defaults: free ports, a temporary store deleted on
     * close, first check-back after 3 s, then every second, at most 15 times, and consumer retries
     * after 1 s, 1 s, 1 s, 2 s, ...
     */
    public static final class Builder {
        private int nameServerPort;
        private int brokerPort;
        private Path storeDir;
        private String brokerName = "txmsg-embedded-broker";
        private String clusterName = "DefaultCluster";
        private Duration transactionTimeout = Duration.ofSeconds(3);
        private Duration transactionCheckInterval = Duration.ofSeconds(1);
        private int transactionCheckMax = 15;
        private Duration transactionOpBatchInterval = Duration.ofMillis(500);
        private String messageDelayLevel = "1s 1s 1s 2s 2s 2s 3s 3s 3s 4s 4s 4s 5s 5s 5s 10s 10s 10s";
        private int commitLogFileSize = 64 * 1024 * 1024;
        private int maxMessageSize = 4 * 1024 * 1024;
        private Consumer<BrokerConfig> brokerCustomizer = c -> { };
        private String accessKey;
        private String secretKey;
        private String joinedNameServer;
        private Consumer<MessageStoreConfig> storeCustomizer = c -> { };

        private Builder() {
        }

        /**
         * Turns on RocketMQ 5's authentication with one user: clients must sign their requests with
         * this access key and secret key (RocketMQ's {@code AclClientRPCHook}, or rocketmq-spring's
         * {@code rocketmq.producer.access-key} and {@code secret-key}); others are refused with
         * response code 16 (NO_PERMISSION). The name server needs no credentials.
         */
        public Builder authentication(String accessKey, String secretKey) {
            this.accessKey = requireText(accessKey, "accessKey");
            this.secretKey = requireText(secretKey, "secretKey");
            if (accessKey.contains("\"") || secretKey.contains("\"")) {
                throw new IllegalArgumentException("access and secret keys must not contain quotes");
            }
            return this;
        }

        /** Name server port; 0 (default) picks a free one. */
        public Builder nameServerPort(int port) {
            this.nameServerPort = requirePort(port, "nameServerPort");
            return this;
        }

        /** Broker port; 0 (default) picks a free one. The broker also listens on port - 2. */
        public Builder brokerPort(int port) {
            this.brokerPort = requirePort(port, "brokerPort");
            return this;
        }

        /** Store directory, kept on close; by default a temporary directory deleted on close. */
        public Builder storeDirectory(Path dir) {
            this.storeDir = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** Broker name (default {@code txmsg-embedded-broker}). */
        public Builder brokerName(String name) {
            this.brokerName = requireText(name, "brokerName");
            return this;
        }

        /** Cluster name (default {@code DefaultCluster}). */
        public Builder clusterName(String name) {
            this.clusterName = requireText(name, "clusterName");
            return this;
        }

        /**
         * Age of a half message before its first check-back (broker {@code transactionTimeOut};
         * default 3 s here, 6 s in RocketMQ). Keep it at least twice the op batch interval (as
         * RocketMQ's defaults are): below that, committed messages get checked back and delivered twice.
         */
        public Builder transactionTimeout(Duration timeout) {
            this.transactionTimeout = requirePositive(timeout, "transactionTimeout");
            return this;
        }

        /** Interval between check-back rounds (broker {@code transactionCheckInterval}; default 1 s here, 30 s in RocketMQ). */
        public Builder transactionCheckInterval(Duration interval) {
            this.transactionCheckInterval = requirePositive(interval, "transactionCheckInterval");
            return this;
        }

        /**
         * Check-backs per half message before the broker gives up and moves it to
         * {@code TRANS_CHECK_MAX_TIME_TOPIC} (broker {@code transactionCheckMax}; default 15).
         */
        public Builder transactionCheckMax(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("transactionCheckMax must be at least 1, was " + max);
            }
            this.transactionCheckMax = max;
            return this;
        }

        /** Interval at which the broker writes its batched op records (default 500 ms here, 3 s in RocketMQ). */
        public Builder transactionOpBatchInterval(Duration interval) {
            this.transactionOpBatchInterval = requirePositive(interval, "transactionOpBatchInterval");
            return this;
        }

        /** The broker's {@code messageDelayLevel}, which paces consumer retries (default: seconds, not minutes). */
        public Builder messageDelayLevel(String levels) {
            this.messageDelayLevel = requireText(levels, "messageDelayLevel");
            return this;
        }

        /** Size of each commit log file in bytes (default 64 MiB; RocketMQ's 1 GiB is too big for tests). */
        public Builder commitLogFileSize(int bytes) {
            if (bytes < 4 * 1024 * 1024) {
                throw new IllegalArgumentException("commitLogFileSize must be at least 4 MiB, was " + bytes);
            }
            this.commitLogFileSize = bytes;
            return this;
        }

        /** Largest message the broker accepts, in bytes (default 4 MiB, as RocketMQ's). */
        public Builder maxMessageSize(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxMessageSize must be at least 1 KiB, was " + bytes);
            }
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Runs only a broker, which registers with the name server at {@code address} ({@code host:port},
         * another instance's {@link EmbeddedRocketMQ#nameServerAddress()} or a standalone one), so that
         * several instances with different {@linkplain #brokerName broker names} make one cluster. The
         * name server port setting is then ignored.
         */
        public Builder joinNameServer(String address) {
            requireText(address, "address");
            if (!address.matches("[^:;\\s]+:\\d{1,5}")) {
                throw new IllegalArgumentException("a name server address is host:port, was " + address);
            }
            this.joinedNameServer = address;
            return this;
        }

        /**
         * Changes any store setting before start, for instance
         * {@code store -> store.setTransRocksDBEnable(true)} (RocketMQ 5.4's half messages in RocksDB).
         */
        public Builder storeConfig(Consumer<MessageStoreConfig> customizer) {
            this.storeCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Changes any other broker setting before start (ACL, for instance). */
        public Builder brokerConfig(Consumer<BrokerConfig> customizer) {
            this.brokerCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Builds an instance; call {@link EmbeddedRocketMQ#start()} to run it. */
        public EmbeddedRocketMQ build() {
            if (transactionTimeout.compareTo(transactionOpBatchInterval.multipliedBy(2)) < 0) {
                throw new IllegalArgumentException("transactionTimeout (" + transactionTimeout
                    + ") must be at least twice transactionOpBatchInterval (" + transactionOpBatchInterval
                    + "): below that the broker checks back committed messages and delivers them twice");
            }
            if (commitLogFileSize <= maxMessageSize) {
                throw new IllegalArgumentException("commitLogFileSize (" + commitLogFileSize
                    + ") must exceed maxMessageSize (" + maxMessageSize + ")");
            }
            return new EmbeddedRocketMQ(new Settings(nameServerPort, brokerPort, storeDir, brokerName, clusterName,
                transactionTimeout, transactionCheckInterval, transactionCheckMax, transactionOpBatchInterval,
                messageDelayLevel, commitLogFileSize, maxMessageSize, brokerCustomizer, accessKey, secretKey,
                joinedNameServer, storeCustomizer));
        }

        private static int requirePort(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be between 0 and 65535, was " + port);
            }
            return port;
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }

        private static Duration requirePositive(Duration value, String name) {
            if (value == null || value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + value);
            }
            return value;
        }
    }
}
