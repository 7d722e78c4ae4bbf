package dev.txmsg.rocketmq.check;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfMariaDb
class MariaDbInDoubtSettlementTest extends InDoubtSettlementAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.mariaDb());
    }
}
