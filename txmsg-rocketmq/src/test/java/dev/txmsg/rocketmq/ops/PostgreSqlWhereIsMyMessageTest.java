package dev.txmsg.rocketmq.ops;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfPostgreSql
class PostgreSqlWhereIsMyMessageTest extends WhereIsMyMessageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.postgreSql());
    }

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.postgreSql();
    }
}
