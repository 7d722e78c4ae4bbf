package dev.txmsg.rocketmq.autoconfigure;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.EnabledIfMariaDb;
import dev.txmsg.rocketmq.testing.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

@EnabledIfMariaDb
class MariaDbNamespaceTest extends NamespaceAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.mariaDb());
    }
}
