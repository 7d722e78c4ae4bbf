package dev.txmsg.benchmark.load;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.common.sysflag.MessageSysFlag;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.header.EndTransactionRequestHeader;

/**
 * A client RPC hook that loses every end-transaction the producer sends on its own, as a process
 * that dies right after its local commit would: the request is rewritten to say neither commit
 * nor rollback, which the broker ignores. Answers to check-backs pass untouched.
 */
final class EndTransactionDropper implements RPCHook {

    private final AtomicInteger dropped = new AtomicInteger();

    /** How many ends were lost. */
    int dropped() {
        return dropped.get();
    }

    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
        if (request.getCode() != RequestCode.END_TRANSACTION
            || !(request.readCustomHeader() instanceof EndTransactionRequestHeader header)
            || Boolean.TRUE.equals(header.getFromTransactionCheck())) {
            return;
        }
        header.setCommitOrRollback(MessageSysFlag.TRANSACTION_NOT_TYPE);
        dropped.incrementAndGet();
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
        // nothing to do after a response
    }
}
