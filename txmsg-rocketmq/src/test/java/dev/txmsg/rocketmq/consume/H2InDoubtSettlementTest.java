package dev.txmsg.rocketmq.consume;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.TestDatabase;

class H2InDoubtSettlementTest extends InDoubtSettlementAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.h2());
    }
}
