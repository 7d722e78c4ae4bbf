package dev.txmsg.rocketmq.log;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfMariaDb
class MariaDbLogRetentionTest extends LogRetentionAcceptanceTest {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariaDb();
    }

    @Override
    String daysAgo(int days) {
        return "CURRENT_TIMESTAMP(3) - INTERVAL " + days + " DAY";
    }
}
