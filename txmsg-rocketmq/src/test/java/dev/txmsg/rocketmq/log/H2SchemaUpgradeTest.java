package dev.txmsg.rocketmq.log;

import dev.txmsg.acceptance.database.TestDatabase;

class H2SchemaUpgradeTest extends SchemaUpgradeAcceptanceTest {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.h2();
    }

    @Override
    String dialect() {
        return "h2";
    }
}
