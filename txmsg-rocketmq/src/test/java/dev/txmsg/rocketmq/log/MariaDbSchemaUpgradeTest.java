package dev.txmsg.rocketmq.log;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;

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
