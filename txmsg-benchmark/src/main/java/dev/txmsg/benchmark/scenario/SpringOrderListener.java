package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import org.apache.rocketmq.spring.annotation.RocketMQTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionListener;
import org.apache.rocketmq.spring.core.RocketMQLocalTransactionState;
import org.apache.rocketmq.spring.support.RocketMQHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;

/** The rocketmq-spring user's listener: the same local transaction and check-back as the plain RocketMQ one. */
@RocketMQTransactionListener
class SpringOrderListener implements RocketMQLocalTransactionListener {

    private final DataSource dataSource;

    SpringOrderListener(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public RocketMQLocalTransactionState executeLocalTransaction(Message message, Object orderId) {
        return state(PeerTransaction.execute(dataSource, (Long) orderId));
    }

    @Override
    public RocketMQLocalTransactionState checkLocalTransaction(Message message) {
        MessageHeaders headers = message.getHeaders();
        String key = String.valueOf(headers.get(RocketMQHeaders.PREFIX + RocketMQHeaders.KEYS));
        Object born = headers.get(RocketMQHeaders.PREFIX + RocketMQHeaders.BORN_TIMESTAMP);
        return state(PeerTransaction.check(dataSource, key, born instanceof Long millis ? millis : System.currentTimeMillis()));
    }

    private static RocketMQLocalTransactionState state(PeerTransaction.Decision decision) {
        return switch (decision) {
            case COMMIT -> RocketMQLocalTransactionState.COMMIT;
            case ROLLBACK -> RocketMQLocalTransactionState.ROLLBACK;
            case UNKNOWN -> RocketMQLocalTransactionState.UNKNOWN;
        };
    }
}
