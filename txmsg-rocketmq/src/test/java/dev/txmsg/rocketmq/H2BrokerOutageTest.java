package dev.txmsg.rocketmq;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.TestDatabase;

class H2BrokerOutageTest extends BrokerOutageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.h2());
    }
}
