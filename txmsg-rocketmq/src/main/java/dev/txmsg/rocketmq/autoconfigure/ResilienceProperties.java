package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/**
 * Resilience4j on the half send ({@code txmsg.resilience.*}). With resilience4j-spring-boot3 and
 * instances named {@code txmsg} under resilience4j.circuitbreaker / resilience4j.retry, those are
 * used instead.
 */
public class ResilienceProperties {

    /** Whether the half send is guarded by a circuit breaker and a retry. */
    private boolean enabled = true;

    private final RetrySettings retry = new RetrySettings();

    private final CircuitBreakerSettings circuitBreaker = new CircuitBreakerSettings();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public RetrySettings getRetry() {
        return retry;
    }

    public CircuitBreakerSettings getCircuitBreaker() {
        return circuitBreaker;
    }

    /** Retry of half sends that the broker surely did not take ({@code txmsg.resilience.retry.*}). */
    public static class RetrySettings {

        /** Attempts in all, the first included; 1 disables retrying. */
        private int maxAttempts = 3;

        /** Wait before the second attempt. */
        private Duration initialBackoff = Duration.ofMillis(200);

        /** Factor by which each further wait grows. */
        private double multiplier = 2.0;

        public int getMaxAttempts() {
            return maxAttempts;
        }

        public void setMaxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
        }

        public Duration getInitialBackoff() {
            return initialBackoff;
        }

        public void setInitialBackoff(Duration initialBackoff) {
            this.initialBackoff = initialBackoff;
        }

        public double getMultiplier() {
            return multiplier;
        }

        public void setMultiplier(double multiplier) {
            this.multiplier = multiplier;
        }
    }

    /** The circuit breaker that fails sends fast while the broker is down ({@code txmsg.resilience.circuit-breaker.*}). */
    public static class CircuitBreakerSettings {

        /** Failure rate, in percent, at which the circuit opens. */
        private float failureRateThreshold = 50;

        /** Sends over which the failure rate is computed. */
        private int slidingWindowSize = 20;

        /** Sends needed before the rate counts. */
        private int minimumNumberOfCalls = 10;

        /** How long the circuit stays open before trial sends. */
        private Duration waitDurationInOpenState = Duration.ofSeconds(10);

        /** Trial sends in the half-open state. */
        private int permittedCallsInHalfOpenState = 3;

        public float getFailureRateThreshold() {
            return failureRateThreshold;
        }

        public void setFailureRateThreshold(float failureRateThreshold) {
            this.failureRateThreshold = failureRateThreshold;
        }

        public int getSlidingWindowSize() {
            return slidingWindowSize;
        }

        public void setSlidingWindowSize(int slidingWindowSize) {
            this.slidingWindowSize = slidingWindowSize;
        }

        public int getMinimumNumberOfCalls() {
            return minimumNumberOfCalls;
        }

        public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
            this.minimumNumberOfCalls = minimumNumberOfCalls;
        }

        public Duration getWaitDurationInOpenState() {
            return waitDurationInOpenState;
        }

        public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
            this.waitDurationInOpenState = waitDurationInOpenState;
        }

        public int getPermittedCallsInHalfOpenState() {
            return permittedCallsInHalfOpenState;
        }

        public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
            this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
        }
    }
}
