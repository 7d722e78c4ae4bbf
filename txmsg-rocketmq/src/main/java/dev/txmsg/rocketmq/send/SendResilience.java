package dev.txmsg.rocketmq.send;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;

/** txmsg's Resilience4j defaults for the half send; instances are named {@code txmsg}. */
public final class SendResilience {

    /** The name of txmsg's circuit breaker and retry instances. */
    public static final String INSTANCE = "txmsg";

    private SendResilience() {
    }

    /**
     * Opens when half of the last 20 sends failed (after at least 10), stays open 10 s, then lets 3
     * trial sends through.
     */
    public static CircuitBreakerConfig defaultCircuitBreakerConfig() {
        return CircuitBreakerConfig.custom()
            .failureRateThreshold(50)
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .waitDurationInOpenState(Duration.ofSeconds(10))
            .permittedNumberOfCallsInHalfOpenState(3)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .build();
    }

    /** Three attempts, 200 ms then 400 ms apart, for transient failures only. */
    public static RetryConfig defaultRetryConfig() {
        return retryConfig(3, Duration.ofMillis(200), 2.0);
    }

    /** A retry of {@code maxAttempts} with exponential backoff, for transient failures only. */
    public static RetryConfig retryConfig(int maxAttempts, Duration initialBackoff, double multiplier) {
        return RetryConfig.custom()
            .maxAttempts(maxAttempts)
            .intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, multiplier))
            .retryOnException(TransientSendFailures::isTransient)
            .failAfterMaxAttempts(false)
            .build();
    }

    /**
     * {@code base}'s attempts and backoff, but retrying transient failures only, whatever
     * {@code base} says: a failure that may mean "accepted" is never retried.
     */
    public static RetryConfig transientOnly(RetryConfig base) {
        return RetryConfig.custom()
            .maxAttempts(base.getMaxAttempts())
            .intervalBiFunction(base.getIntervalBiFunction())
            .retryOnException(TransientSendFailures::isTransient)
            .build();
    }

    /** A circuit breaker named {@code txmsg} with the default settings. */
    public static CircuitBreaker defaultCircuitBreaker() {
        return CircuitBreaker.of(INSTANCE, defaultCircuitBreakerConfig());
    }

    /** A retry named {@code txmsg} with the default settings. */
    public static Retry defaultRetry() {
        return Retry.of(INSTANCE, defaultRetryConfig());
    }
}
