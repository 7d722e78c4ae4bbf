package dev.txmsg.rocketmq;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

class H2CheckBackTest extends CheckBackAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.h2());
    }
}
