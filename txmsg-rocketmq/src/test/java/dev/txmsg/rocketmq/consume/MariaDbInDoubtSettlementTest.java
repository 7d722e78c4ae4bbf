package dev.txmsg.rocketmq.consume;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.EnabledIfMariaDb;
import dev.txmsg.rocketmq.testing.TestDatabase;

@EnabledIfMariaDb
class MariaDbInDoubtSettlementTest extends InDoubtSettlementAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.mariaDb());
    }
}
