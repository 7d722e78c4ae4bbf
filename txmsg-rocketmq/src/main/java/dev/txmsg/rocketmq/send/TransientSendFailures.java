package dev.txmsg.rocketmq.send;

import java.util.Set;

import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingTooMuchRequestException;
import org.apache.rocketmq.remoting.protocol.RemotingSysResponseCode;
import org.apache.rocketmq.remoting.protocol.ResponseCode;

/**
 * Which half-send failures are worth a retry: only those that prove the broker did not take the
 * message (no connection, no route yet, broker busy or not writable). A timeout or a failed write
 * may mean "accepted" and is never retried: the check-back settles such a message.
 */
public final class TransientSendFailures {

    private static final Set<Integer> CLIENT_CODES = Set.of(ClientErrorCode.CONNECT_BROKER_EXCEPTION,
        ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION);
    private static final Set<Integer> BROKER_CODES = Set.of(RemotingSysResponseCode.SYSTEM_BUSY, ResponseCode.SERVICE_NOT_AVAILABLE);

    private TransientSendFailures() {
    }

    /** Whether {@code failure} proves that the broker did not store the message, and may pass. */
    public static boolean isTransient(Throwable failure) {
        if (failure instanceof RemotingConnectException || failure instanceof RemotingTooMuchRequestException) {
            return true;
        }
        if (failure instanceof MQBrokerException broker) {
            return BROKER_CODES.contains(broker.getResponseCode());
        }
        if (failure instanceof MQClientException client) {
            if (CLIENT_CODES.contains(client.getResponseCode()) || BROKER_CODES.contains(client.getResponseCode())) {
                return true;
            }
            return client.getCause() != null && client.getCause() != client && isTransient(client.getCause());
        }
        return false;
    }
}
