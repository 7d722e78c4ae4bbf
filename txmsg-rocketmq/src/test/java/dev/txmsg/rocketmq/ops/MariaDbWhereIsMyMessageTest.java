package dev.txmsg.rocketmq.ops;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfMariaDb
class MariaDbWhereIsMyMessageTest extends WhereIsMyMessageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.mariaDb());
    }

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.mariaDb();
    }
}
