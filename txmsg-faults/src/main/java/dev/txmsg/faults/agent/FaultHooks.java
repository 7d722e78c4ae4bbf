package dev.txmsg.faults.agent;

import org.apache.rocketmq.client.hook.EndTransactionContext;
import org.apache.rocketmq.client.hook.EndTransactionHook;
import org.apache.rocketmq.client.hook.SendMessageContext;
import org.apache.rocketmq.client.hook.SendMessageHook;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.header.EndTransactionRequestHeader;

/**
 * RocketMQ client hooks on txmsg's producer: kill when a half message is accepted or before an
 * end-transaction leaves, and lose end-transaction requests (rewritten to say nothing, which the
 * broker ignores; check-back answers are never touched).
 */
final class FaultHooks {

    private FaultHooks() {
    }

    static void install(TransactionMQProducer producer, Faults faults) {
        producer.getDefaultMQProducerImpl().registerSendMessageHook(new SendMessageHook() {
            @Override
            public String hookName() {
                return "txmsg-faults-send";
            }

            @Override
            public void sendMessageBefore(SendMessageContext context) {
            }

            @Override
            public void sendMessageAfter(SendMessageContext context) {
                if (context.getSendResult() == null || context.getSendResult().getSendStatus() != SendStatus.SEND_OK) {
                    return;
                }
                if ("true".equals(context.getMessage().getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED))) {
                    faults.occurrence(Fault.KILL_AFTER_HALF_ACCEPTED);
                } else {
                    faults.occurrence(Fault.KILL_AFTER_PUBLISHED); // the outbox relay's send: its rows are not deleted yet
                }
            }
        });
        producer.getDefaultMQProducerImpl().registerEndTransactionHook(new EndTransactionHook() {
            @Override
            public String hookName() {
                return "txmsg-faults-end";
            }

            @Override
            public void endTransaction(EndTransactionContext context) {
                if (!context.isFromTransactionCheck()) {
                    faults.occurrence(Fault.KILL_BEFORE_END);
                }
            }
        });
        producer.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(new RPCHook() {
            @Override
            public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
                if (request.getCode() == RequestCode.END_TRANSACTION
                    && request.readCustomHeader() instanceof EndTransactionRequestHeader header
                    && !Boolean.TRUE.equals(header.getFromTransactionCheck()) && faults.strikes(Fault.LOSE_ENDS)) {
                    header.setCommitOrRollback(MessageSysFlag.TRANSACTION_NOT_TYPE);
                }
            }

            @Override
            public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
            }
        });
    }
}
