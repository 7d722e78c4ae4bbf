package dev.txmsg.acceptance.support;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;

/** A client RPC hook that counts the messages a client sends to the broker (of any kind, half messages included). */
public final class SendRequests implements RPCHook {

    private final AtomicInteger sends;

    /** Counts into {@code sends}. */
    public SendRequests(AtomicInteger sends) {
        this.sends = sends;
    }

    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
        int code = request.getCode();
        if (code == RequestCode.SEND_MESSAGE || code == RequestCode.SEND_MESSAGE_V2 || code == RequestCode.SEND_BATCH_MESSAGE) {
            sends.incrementAndGet();
        }
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
    }
}
