package dev.txmsg.rocketmq.log;

import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfPostgreSql
class PostgreSqlLogRetentionTest extends LogRetentionAcceptanceTest {

    @Override
    TestDatabase createDatabase() {
        return TestDatabase.postgreSql();
    }

    @Override
    String daysAgo(int days) {
        return "statement_timestamp() - INTERVAL '" + days + " days'";
    }
}
