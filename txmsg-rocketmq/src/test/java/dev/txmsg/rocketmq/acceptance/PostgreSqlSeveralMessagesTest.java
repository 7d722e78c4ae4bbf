package dev.txmsg.rocketmq.acceptance;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.Harness;
import dev.txmsg.acceptance.SeveralMessagesAcceptanceTest;
import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

@EnabledIfPostgreSql
class PostgreSqlSeveralMessagesTest extends SeveralMessagesAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.postgreSql());
    }

    @Override
    protected Harness harness() {
        return new RocketMqHarness();
    }
}
