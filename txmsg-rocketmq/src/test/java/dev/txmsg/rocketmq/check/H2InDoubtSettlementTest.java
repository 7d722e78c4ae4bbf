package dev.txmsg.rocketmq.check;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.TestDatabase;

class H2InDoubtSettlementTest extends InDoubtSettlementAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.h2());
    }
}
