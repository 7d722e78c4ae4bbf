package dev.txmsg.rocketmq.send;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

/**
 * Sends half messages. The future completes with the broker's answer or the failure; it is
 * completed on the client's callback threads, where nothing but completing it may happen.
 */
public interface HalfMessageSender {

    /**
     * Starts sending {@code half}. A future that is already failed on return means nothing was
     * sent (an open circuit, a client-side refusal): the caller must not start the local work.
     */
    CompletableFuture<SendResult> send(Message half);

    /** The longest the future may take to complete, retries included. */
    Duration maxWait();
}
