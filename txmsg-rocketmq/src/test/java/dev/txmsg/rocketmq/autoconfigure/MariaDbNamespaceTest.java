package dev.txmsg.rocketmq.autoconfigure;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

@EnabledIfMariaDb
class MariaDbNamespaceTest extends NamespaceAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.mariaDb());
    }
}
