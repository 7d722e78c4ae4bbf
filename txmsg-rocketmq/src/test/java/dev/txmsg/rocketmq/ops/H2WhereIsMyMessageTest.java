package dev.txmsg.rocketmq.ops;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.TestDatabase;

class H2WhereIsMyMessageTest extends WhereIsMyMessageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.h2());
    }

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.h2();
    }
}
