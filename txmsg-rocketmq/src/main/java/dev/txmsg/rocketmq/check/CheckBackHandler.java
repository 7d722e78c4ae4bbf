package dev.txmsg.rocketmq.check;

import java.time.Instant;
import java.util.Objects;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckRequest;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.HalfMessages;

/**
 * Adapts RocketMQ's {@link TransactionListener} to a {@link CheckListener}. The client runs it on
 * the check-back pool, never on its remoting threads. RocketMQ turns a listener's exception into
 * UNKNOW itself; this adapter does the same explicitly, so that no error ever becomes ROLLBACK.
 */
public final class CheckBackHandler implements TransactionListener {

    private static final Logger LOG = LoggerFactory.getLogger(CheckBackHandler.class);

    private final CheckListener listener;
    private final String group;
    private final TxMsgMetrics metrics;

    /**
     * @param listener decides the answers
     * @param group    the producer group being asked
     * @param metrics  where answers are counted
     */
    public CheckBackHandler(CheckListener listener, String group, TxMsgMetrics metrics) {
        this.listener = Objects.requireNonNull(listener, "listener");
        this.group = Objects.requireNonNull(group, "group");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Not used: txmsg drives the protocol's steps itself and never calls {@code sendMessageInTransaction}. */
    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
        return LocalTransactionState.UNKNOW;
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
        TransactionState answer;
        try {
            answer = listener.check(request(msg));
            if (answer == null) {
                answer = TransactionState.UNKNOWN;
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("check listener failed for transaction {}; answered UNKNOWN", msg.getTransactionId(), e);
            answer = TransactionState.UNKNOWN;
        }
        metrics.checkBack(answer);
        return switch (answer) {
            case COMMITTED -> LocalTransactionState.COMMIT_MESSAGE;
            case ROLLED_BACK -> LocalTransactionState.ROLLBACK_MESSAGE;
            case UNKNOWN -> LocalTransactionState.UNKNOW;
        };
    }

    private CheckRequest request(MessageExt msg) {
        String txId = msg.getTransactionId() != null ? msg.getTransactionId()
            : msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        String checkTimes = msg.getProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES);
        return new CheckRequest(txId, msg.getMsgId(), msg.getTopic(), group,
            msg.getProperty(HalfMessages.LOG_IDENTITY_PROPERTY), Instant.ofEpochMilli(msg.getBornTimestamp()),
            checkTimes == null ? 0 : Integer.parseInt(checkTimes), msg.getProperties());
    }
}
