package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.txmsg.benchmark.db.OrderTable;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.tx.spring.SpringLocalTransactions;

/**
 * {@code txmsg-in-tx}: the send inside a surrounding Spring transaction; the log row and the
 * executor's {@code JdbcTemplate} insert join it under a savepoint, and the end goes to the broker
 * once the surrounding transaction committed. Timed from the transaction's start to its completion.
 */
final class TxmsgInTxScenario implements Scenario {

    static final String NAME = "txmsg-in-tx";

    private final RocketMqTxMsg txmsg;
    private final TransactionTemplate transactions;
    private final JdbcTemplate jdbc;

    TxmsgInTxScenario(String nameServer, DataSource dataSource) {
        DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
        this.transactions = new TransactionTemplate(manager);
        this.jdbc = new JdbcTemplate(dataSource);
        this.txmsg = TxmsgSenders.builder(nameServer, "bench-txmsg-in-tx", dataSource, Topics.TXMSG_IN_TX)
            .localTransactions(new SpringLocalTransactions(manager, dataSource))
            .build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) {
        transactions.executeWithoutResult(status -> txmsg.sender().send(Payload.txMessage(Topics.TXMSG_IN_TX, orderId),
            (ctx, id) -> OrderTable.insert(jdbc, id), orderId));
    }

    @Override
    public void close() {
        txmsg.close();
    }
}
