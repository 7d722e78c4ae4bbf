package dev.txmsg.rocketmq.check;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfPostgreSql
class PostgreSqlInDoubtSettlementTest extends InDoubtSettlementAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.postgreSql());
    }
}
