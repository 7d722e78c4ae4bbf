package dev.txmsg.rocketmq.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

/**
 * Which publication failures the relay retries without end (the network, a busy broker) and
 * which count as the message's (a refusal, a topic without a route), as RocketMQ 5.4's client
 * raises them.
 */
class RelayFailureClassificationTest {

    @Test
    void theNetworkAndABusyBrokerAreTransient() {
        assertThat(OutboxRelay.isTransient(new RemotingConnectException("127.0.0.1:10911"))).isTrue();
        assertThat(OutboxRelay.isTransient(new RemotingTimeoutException("no answer"))).isTrue();
        assertThat(OutboxRelay.isTransient(new MQBrokerException(ResponseCode.SYSTEM_BUSY, "busy"))).isTrue();
        // A name server the client cannot reach, as the route update raises it.
        assertThat(OutboxRelay.isTransient(new IllegalStateException(new RemotingConnectException("127.0.0.1:9876")))).isTrue();
        assertThat(OutboxRelay.isTransient(new MQClientException("send failed", new RemotingTimeoutException("timeout")))).isTrue();
    }

    @Test
    void aRefusalOfTheMessageAndATopicWithoutARouteCountAgainstItsAttempts() {
        assertThat(OutboxRelay.isTransient(new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "too large"))).isFalse();
        assertThat(OutboxRelay.isTransient(new MQBrokerException(ResponseCode.NO_PERMISSION, "no permission"))).isFalse();
        assertThat(OutboxRelay.isTransient(new MQClientException(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, "No route info of this topic")))
            .isFalse();
        assertThat(OutboxRelay.isTransient(new IllegalArgumentException("bad"))).isFalse();
    }
}
