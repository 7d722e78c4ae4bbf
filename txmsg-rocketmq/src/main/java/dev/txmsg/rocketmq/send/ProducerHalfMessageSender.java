package dev.txmsg.rocketmq.send;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;

/**
 * Sends half messages through the producer: asynchronously, so that the broker's round trip
 * overlaps the local transaction's work, or synchronously.
 */
public final class ProducerHalfMessageSender implements HalfMessageSender {

    private final TransactionMQProducer producer;
    private final Duration timeout;
    private final boolean overlap;

    /**
     * @param producer the started producer
     * @param timeout  the send timeout
     * @param overlap  send asynchronously rather than wait before the local transaction begins
     */
    public ProducerHalfMessageSender(TransactionMQProducer producer, Duration timeout, boolean overlap) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.overlap = overlap;
    }

    @Override
    public Duration maxWait() {
        return timeout.plusSeconds(1);
    }

    @Override
    public CompletableFuture<SendResult> send(Message half) {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        try {
            if (overlap) {
                producer.send(half, new SendCallback() {
                    @Override
                    public void onSuccess(SendResult sendResult) {
                        result.complete(sendResult);
                    }

                    @Override
                    public void onException(Throwable e) {
                        result.completeExceptionally(e);
                    }
                }, timeout.toMillis());
            } else {
                result.complete(producer.send(half, timeout.toMillis()));
            }
        } catch (Exception e) {
            result.completeExceptionally(e);
        }
        return result;
    }
}
