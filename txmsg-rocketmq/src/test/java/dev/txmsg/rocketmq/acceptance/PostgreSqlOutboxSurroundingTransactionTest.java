package dev.txmsg.rocketmq.acceptance;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.Harness;
import dev.txmsg.acceptance.SurroundingTransactionAcceptanceTest;
import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.test.EmbeddedRocketMQ;

/** The surrounding-transaction suite in outbox mode (txmsg.mode=outbox). */
@EnabledIfPostgreSql
class PostgreSqlOutboxSurroundingTransactionTest extends SurroundingTransactionAcceptanceTest {

    @BeforeAll
    static void startAll(EmbeddedRocketMQ broker) {
        start(broker, TestDatabase.postgreSql());
    }

    @Override
    protected Harness harness() {
        return new RocketMqHarness();
    }

    @Override
    protected boolean outboxMode() {
        return true;
    }
}
