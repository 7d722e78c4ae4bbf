package dev.txmsg.rocketmq;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.rocketmq.testing.EnabledIfMariaDb;
import dev.txmsg.rocketmq.testing.TestDatabase;

@EnabledIfMariaDb
class MariaDbBrokerOutageTest extends BrokerOutageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.mariaDb());
    }
}
