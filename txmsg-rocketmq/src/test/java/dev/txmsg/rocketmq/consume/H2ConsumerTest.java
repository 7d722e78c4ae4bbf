package dev.txmsg.rocketmq.consume;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

class H2ConsumerTest extends ConsumerAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.h2());
    }
}
