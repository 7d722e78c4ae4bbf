package dev.txmsg.rocketmq.log;

import dev.txmsg.rocketmq.testing.EnabledIfMariaDb;
import dev.txmsg.rocketmq.testing.TestDatabase;

@EnabledIfMariaDb
class MariaDbSchemaUpgradeTest extends SchemaUpgradeAcceptanceTest {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.mariaDb();
    }

    @Override
    String dialect() {
        return "mysql";
    }
}
