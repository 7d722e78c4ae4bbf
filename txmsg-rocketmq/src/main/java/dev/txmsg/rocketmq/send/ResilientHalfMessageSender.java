package dev.txmsg.rocketmq.send;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * Guards the half send with Resilience4j: a circuit breaker that fails fast while the broker is
 * down (before any local work starts), and a retry with backoff for failures that prove the
 * broker did not take the message ({@link TransientSendFailures}). The retry resends the same
 * message, with the same transaction id.
 */
public final class ResilientHalfMessageSender implements HalfMessageSender {

    private final HalfMessageSender delegate;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;
    private final ScheduledExecutorService scheduler;
    private final Duration maxWait;

    /**
     * @param delegate       the plain sender
     * @param circuitBreaker the circuit breaker, or {@code null} for none
     * @param retry          the retry (its exception predicate should be {@link TransientSendFailures#isTransient}), or {@code null}
     * @param scheduler      where retries wait for their backoff
     */
    public ResilientHalfMessageSender(HalfMessageSender delegate, CircuitBreaker circuitBreaker, Retry retry,
                                      ScheduledExecutorService scheduler) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.circuitBreaker = circuitBreaker;
        this.retry = retry;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.maxWait = maxWait(delegate, retry);
    }

    private static Duration maxWait(HalfMessageSender delegate, Retry retry) {
        if (retry == null) {
            return delegate.maxWait();
        }
        int attempts = retry.getRetryConfig().getMaxAttempts();
        Duration total = delegate.maxWait().multipliedBy(attempts);
        for (int i = 1; i < attempts; i++) {
            total = total.plusMillis(retry.getRetryConfig().getIntervalBiFunction().apply(i, null));
        }
        return total;
    }

    @Override
    public Duration maxWait() {
        return maxWait;
    }

    @Override
    public CompletableFuture<SendResult> send(Message half) {
        if (circuitBreaker != null && !circuitBreaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(CallNotPermittedException.createCallNotPermittedException(circuitBreaker));
        }
        long start = System.nanoTime();
        CompletableFuture<SendResult> attempt = retry == null ? delegate.send(half)
            : Retry.decorateCompletionStage(retry, scheduler, () -> delegate.send(half)).get().toCompletableFuture();
        if (circuitBreaker == null) {
            return attempt;
        }
        return attempt.whenComplete((result, failure) -> {
            long elapsed = System.nanoTime() - start;
            if (failure == null) {
                circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            } else {
                circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, unwrap(failure));
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
