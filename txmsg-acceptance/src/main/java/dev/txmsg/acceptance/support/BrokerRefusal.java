package dev.txmsg.acceptance.support;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.RequestCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader;
import org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeaderV2;

/**
 * A client RPC hook that turns the broker's answer to every send to one topic into an error, after
 * the broker handled it: to the client the message was refused, as a broker that answers "system
 * busy" or a lost answer would make it look. Whatever the broker stored, the client never ends it.
 */
public final class BrokerRefusal implements RPCHook {

    private final String topic;
    private final AtomicInteger refused = new AtomicInteger();

    /** Refuses sends to {@code topic}. */
    public BrokerRefusal(String topic) {
        this.topic = topic;
    }

    /** How many sends were refused. */
    public int refused() {
        return refused.get();
    }

    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
        int code = request.getCode();
        if (response == null || (code != RequestCode.SEND_MESSAGE && code != RequestCode.SEND_MESSAGE_V2)) {
            return;
        }
        if (topic.equals(topicOf(request))) {
            response.setCode(ResponseCode.SYSTEM_ERROR);
            response.setRemark("injected: the broker refused the message");
            refused.incrementAndGet();
        }
    }

    private static String topicOf(RemotingCommand request) {
        Object header = request.readCustomHeader();
        if (header instanceof SendMessageRequestHeaderV2 v2) {
            return v2.getB();
        }
        if (header instanceof SendMessageRequestHeader v1) {
            return v1.getTopic();
        }
        return request.getExtFields() == null ? null : request.getExtFields().getOrDefault("b", request.getExtFields().get("topic"));
    }
}
