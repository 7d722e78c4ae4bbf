package dev.txmsg.acceptance.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.common.sysflag.MessageSysFlag;

import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.header.EndTransactionRequestHeader;

/**
 * A client RPC hook that loses the producer's end-transaction request for chosen transactions (or
 * all), as a dropped packet or a process that dies right after its local commit would: it turns
 * the request into one that says nothing (neither commit nor rollback), which the broker ignores.
 * Check-back answers are never touched.
 */
public final class EndDropper implements RPCHook {

    private final Set<String> doomed = ConcurrentHashMap.newKeySet();
    private volatile boolean dropAll;
    private final AtomicInteger lost = new AtomicInteger();

    /** How many ends were lost. */
    public int lost() {
        return lost.get();
    }

    /** Loses the end of {@code txId}. */
    public void drop(String txId) {
        doomed.add(txId);
    }

    /** Loses every end from now on. */
    public void dropAll() {
        dropAll = true;
    }

    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
        if (request.getCode() != RequestCode.END_TRANSACTION) {
            return;
        }
        EndTransactionRequestHeader header;
        try {
            header = (EndTransactionRequestHeader) request.readCustomHeader();
        } catch (ClassCastException e) {
            return;
        }
        if (header == null || Boolean.TRUE.equals(header.getFromTransactionCheck())) {
            return;
        }
        if (dropAll || doomed.contains(header.getMsgId())) {
            header.setCommitOrRollback(MessageSysFlag.TRANSACTION_NOT_TYPE);
            lost.incrementAndGet();
        }
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
    }
}
