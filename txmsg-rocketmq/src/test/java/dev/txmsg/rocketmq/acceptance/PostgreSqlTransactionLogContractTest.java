package dev.txmsg.rocketmq.acceptance;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;

import dev.txmsg.acceptance.TransactionLogContractTest;
import dev.txmsg.acceptance.database.EnabledIfPostgreSql;
import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.api.spi.TransactionLog;

/** {@code MyBatisTransactionLog} against the contract every {@link TransactionLog} keeps. */
@EnabledIfPostgreSql
class PostgreSqlTransactionLogContractTest extends TransactionLogContractTest {

    @BeforeAll
    static void database() {
        start(TestDatabase.postgreSql());
    }

    @Override
    protected TransactionLog newLog(DataSource dataSource, Duration lockWait) {
        return new RocketMqHarness().transactionLog(dataSource, lockWait);
    }
}
