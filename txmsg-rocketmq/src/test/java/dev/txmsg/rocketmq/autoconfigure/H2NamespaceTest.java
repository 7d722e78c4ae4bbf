package dev.txmsg.rocketmq.autoconfigure;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

class H2NamespaceTest extends NamespaceAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.h2());
    }
}
