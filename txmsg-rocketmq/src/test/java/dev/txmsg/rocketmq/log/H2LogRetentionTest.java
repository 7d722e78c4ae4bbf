package dev.txmsg.rocketmq.log;

import dev.txmsg.acceptance.database.TestDatabase;

class H2LogRetentionTest extends LogRetentionAcceptanceTest {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    String daysAgo(int days) {
        return "DATEADD(DAY, -" + days + ", LOCALTIMESTAMP(3))";
    }
}
