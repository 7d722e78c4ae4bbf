package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * {@code raw-rocketmq}: {@code sendMessageInTransaction} on a plain {@code TransactionMQProducer}
 * with a hand-written {@code TransactionListener}: the order and a log row in one JDBC transaction,
 * a check-back that reads the log.
 */
final class RawRocketMqScenario implements Scenario {

    static final String NAME = "raw-rocketmq";

    private final TransactionMQProducer producer;

    RawRocketMqScenario(String nameServer, DataSource dataSource) {
        TransactionMQProducer p = new TransactionMQProducer("bench-raw-rocketmq");
        p.setTransactionListener(new OrderListener(dataSource));
        this.producer = Producers.start(p, nameServer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) throws Exception {
        Producers.requireCommitted(producer.sendMessageInTransaction(Payload.rocketMessage(Topics.RAW, orderId), orderId), orderId);
    }

    @Override
    public void close() {
        producer.shutdown();
    }

    private static final class OrderListener implements TransactionListener {
        private final DataSource dataSource;

        OrderListener(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public LocalTransactionState executeLocalTransaction(Message message, Object orderId) {
            return state(PeerTransaction.execute(dataSource, (Long) orderId));
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt message) {
            return state(PeerTransaction.check(dataSource, message.getKeys(), message.getBornTimestamp()));
        }

        private static LocalTransactionState state(PeerTransaction.Decision decision) {
            return switch (decision) {
                case COMMIT -> LocalTransactionState.COMMIT_MESSAGE;
                case ROLLBACK -> LocalTransactionState.ROLLBACK_MESSAGE;
                case UNKNOWN -> LocalTransactionState.UNKNOW;
            };
        }
    }
}
