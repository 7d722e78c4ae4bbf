package dev.txmsg.rocketmq.tx.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import dev.txmsg.acceptance.database.TestDatabase;

/**
 * Before a Spring transaction with txmsg's sends commits, txmsg asks whether the database aborted
 * it (PostgreSQL would turn the COMMIT into a silent rollback, and the messages would follow a
 * transaction that did not happen). When the question itself fails, the answer must be "aborted":
 * on PostgreSQL the failed question may have aborted the transaction, and rolling back is always
 * safe. The real H2 connection, with its metadata call made to fail.
 */
class UnansweredAbortProbeTest {

    @Test
    void aTransactionWhoseStateCannotBeAskedCountsAsAbortedSoThatItIsRolledBack() throws Exception {
        try (TestDatabase db = TestDatabase.h2(); Connection real = db.dataSource().getConnection()) {
            real.setAutoCommit(false);
            assertThat(SpringLocalTransactions.aborted(real)).as("a healthy transaction").isFalse();

            Connection unanswering = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getMetaData")) {
                        throw new SQLException("connection reset (injected)");
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });

            assertThat(SpringLocalTransactions.aborted(unanswering)).isTrue();
            real.rollback();
        }
    }
}
