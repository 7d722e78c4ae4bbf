package dev.txmsg.test;

import java.nio.file.Path;

import org.apache.rocketmq.auth.config.AuthConfig;
import org.apache.rocketmq.broker.BrokerController;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.namesrv.NamesrvConfig;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.netty.NettyClientConfig;
import org.apache.rocketmq.remoting.netty.NettyServerConfig;
import org.apache.rocketmq.store.config.MessageStoreConfig;

/**
 * How an {@link EmbeddedRocketMQ}'s settings become RocketMQ's own configuration objects: a name
 * server and a broker with a small store under one directory, fast check-backs, and RocketMQ 5's
 * authentication when asked.
 */
final class BrokerConfigs {

    static final String LOCALHOST = "127.0.0.1";

    private BrokerConfigs() {
    }

    /** A started name server on {@code port} (0: a free one), keeping its files under {@code storeDir}. */
    static NamesrvController startNameServer(int port, Path storeDir) {
        NamesrvConfig config = new NamesrvConfig();
        Path home = storeDir.resolve("namesrv");
        config.setKvConfigPath(home.resolve("kvConfig.json").toString());
        config.setConfigStorePath(home.resolve("namesrv.properties").toString());
        NettyServerConfig server = new NettyServerConfig();
        server.setListenPort(port);
        NamesrvController controller = new NamesrvController(config, server, new NettyClientConfig());
        try {
            if (!controller.initialize()) {
                throw new IllegalStateException("the name server did not initialize");
            }
            controller.start();
        } catch (Exception e) {
            controller.shutdown();
            throw new IllegalStateException("the name server did not start on port " + port, e);
        }
        return controller;
    }

    /** A broker, not yet initialized, registering with {@code nameServer} and listening on {@code port} (0: a free one). */
    static BrokerController broker(EmbeddedRocketMQ.Settings settings, Path storeDir, String nameServer, int port) {
        BrokerConfig config = new BrokerConfig();
        config.setBrokerName(settings.brokerName());
        config.setBrokerClusterName(settings.clusterName());
        config.setBrokerIP1(LOCALHOST);
        config.setNamesrvAddr(nameServer);
        config.setAutoCreateTopicEnable(true);
        config.setTransactionTimeOut(settings.transactionTimeout().toMillis());
        config.setTransactionCheckInterval(settings.transactionCheckInterval().toMillis());
        config.setTransactionCheckMax(settings.transactionCheckMax());
        config.setTransactionOpBatchInterval((int) settings.transactionOpBatchInterval().toMillis());
        config.setLoadBalancePollNameServerInterval(1000);
        // No POP consumers here (they come through a proxy): without its file service the broker
        // stops 2 s sooner (it sleeps that long after its last round).
        config.setPopConsumerFSServiceInit(false);

        MessageStoreConfig store = new MessageStoreConfig();
        Path root = storeDir.resolve("broker");
        store.setStorePathRootDir(root.toString());
        store.setStorePathCommitLog(root.resolve("commitlog").toString());
        store.setMappedFileSizeCommitLog(settings.commitLogFileSize());
        store.setMappedFileSizeConsumeQueue(20 * 10_000);
        store.setMaxIndexNum(10_000);
        store.setMaxHashSlotNum(2_500);
        store.setMappedFileSizeTimerLog(4 * 1024 * 1024);
        // No timer messages (arbitrary delivery times): txmsg does not use them (retries use delay
        // levels), and the timer wheel's flush alone took over a quarter of the CPU samples of a
        // benchmark run with the broker in process.
        store.setTimerWheelEnable(false);
        store.setMessageDelayLevel(settings.messageDelayLevel());
        store.setMaxMessageSize(settings.maxMessageSize());
        store.setHaListenPort(0);

        NettyServerConfig server = new NettyServerConfig();
        server.setListenPort(port);
        if (Boolean.getBoolean(EmbeddedRocketMQ.TRANS_ROCKSDB_PROPERTY)) {
            EmbeddedRocketMQ.transRocksDb(store); // a whole test run in that broker mode; a customizer may still say otherwise
        }
        settings.brokerCustomizer().accept(config);
        settings.storeCustomizer().accept(store);
        if (settings.accessKey() == null) {
            return new BrokerController(config, server, new NettyClientConfig(), store);
        }
        return new BrokerController(config, server, new NettyClientConfig(), store, authConfig(settings, root));
    }

    /** RocketMQ 5's authentication (ACL 2.0): one super user, kept in the store directory. */
    private static AuthConfig authConfig(EmbeddedRocketMQ.Settings settings, Path root) {
        AuthConfig auth = new AuthConfig();
        // Providers are cached per config name: a restarted broker needs a name of its own.
        auth.setConfigName("txmsg-embedded-" + System.nanoTime());
        auth.setClusterName(settings.clusterName());
        auth.setAuthConfigPath(root.resolve("config").toString());
        auth.setAuthenticationEnabled(true);
        auth.setAuthenticationProvider("org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider");
        auth.setAuthenticationMetadataProvider("org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider");
        auth.setInitAuthenticationUser("{\"username\":\"" + settings.accessKey() + "\",\"password\":\"" + settings.secretKey() + "\"}");
        return auth;
    }
}
