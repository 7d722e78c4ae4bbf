package dev.txmsg.rocketmq;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.database.EnabledIfMariaDb;
import dev.txmsg.acceptance.database.TestDatabase;

@EnabledIfMariaDb
class MariaDbBrokerOutageTest extends BrokerOutageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.mariaDb());
    }
}
