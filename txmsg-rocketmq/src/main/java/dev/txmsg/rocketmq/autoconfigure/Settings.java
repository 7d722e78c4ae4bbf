package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import dev.txmsg.rocketmq.SenderOptions;
import dev.txmsg.rocketmq.jdbc.CheckWindow;
import dev.txmsg.rocketmq.jdbc.TableName;
import dev.txmsg.rocketmq.wire.Topics;

/** Checks txmsg's properties at start-up; each failure names the property, its value and what is allowed. */
final class Settings {

    private Settings() {
    }

    static void validate(TxMsgProperties p) {
        try {
            TableName.of(p.getTable());
        } catch (IllegalArgumentException e) {
            throw invalid("txmsg.table", p.getTable(), "1 to 48 letters, digits or underscores, not starting with a digit");
        }
        if (p.getInitializeSchema() == null) {
            throw invalid("txmsg.initialize-schema", null, "embedded, always or never");
        }
        positive("txmsg.send.timeout", p.getSend().getTimeout(), true);
        int maxMessages = p.getSend().getMaxMessages();
        if (maxMessages < 1 || maxMessages > SenderOptions.MAX_MESSAGES_LIMIT) {
            throw invalid("txmsg.send.max-messages", maxMessages, "an integer from 1 to " + SenderOptions.MAX_MESSAGES_LIMIT);
        }
        positive("txmsg.check.lock-wait", p.getCheck().getLockWait(), false);
        if (p.getCheck().getClockSkew() == null || p.getCheck().getClockSkew().isNegative()) {
            throw invalid("txmsg.check.clock-skew", p.getCheck().getClockSkew(), "a duration of zero or more, such as 5m");
        }
        atLeastOne("txmsg.check.pool-size", p.getCheck().getPoolSize());
        atLeastOne("txmsg.check.queue-capacity", p.getCheck().getQueueCapacity());
        BrokerProperties broker = p.getBroker();
        positive("txmsg.broker.transaction-timeout", broker.getTransactionTimeout(), false);
        positive("txmsg.broker.check-interval", broker.getCheckInterval(), false);
        atLeastOne("txmsg.broker.check-max", broker.getCheckMax());
        RetentionProperties retention = p.getRetention();
        if (retention.isEnabled()) {
            positive("txmsg.retention.period", retention.getPeriod(), false);
            positive("txmsg.retention.interval", retention.getInterval(), false);
            atLeastOne("txmsg.retention.batch-size", retention.getBatchSize());
            if (p.getCheck().getClockSkew().compareTo(retention.getPeriod()) >= 0) {
                throw invalid("txmsg.check.clock-skew", p.getCheck().getClockSkew(), "less than txmsg.retention.period ("
                    + retention.getPeriod() + ")");
            }
            beyondCheckWindow("txmsg.retention.period", retention.getPeriod(), broker);
        }
        ResilienceProperties.RetrySettings retry = p.getResilience().getRetry();
        atLeastOne("txmsg.resilience.retry.max-attempts", retry.getMaxAttempts());
        positive("txmsg.resilience.retry.initial-backoff", retry.getInitialBackoff(), false);
        if (!(retry.getMultiplier() >= 1.0)) {
            throw invalid("txmsg.resilience.retry.multiplier", retry.getMultiplier(), "a number of at least 1.0");
        }
        ResilienceProperties.CircuitBreakerSettings cb = p.getResilience().getCircuitBreaker();
        if (!(cb.getFailureRateThreshold() > 0 && cb.getFailureRateThreshold() <= 100)) {
            throw invalid("txmsg.resilience.circuit-breaker.failure-rate-threshold", cb.getFailureRateThreshold(),
                "a percentage above 0 and at most 100");
        }
        atLeastOne("txmsg.resilience.circuit-breaker.sliding-window-size", cb.getSlidingWindowSize());
        atLeastOne("txmsg.resilience.circuit-breaker.minimum-number-of-calls", cb.getMinimumNumberOfCalls());
        atLeastOne("txmsg.resilience.circuit-breaker.permitted-calls-in-half-open-state", cb.getPermittedCallsInHalfOpenState());
        positive("txmsg.resilience.circuit-breaker.wait-duration-in-open-state", cb.getWaitDurationInOpenState(), false);
        positive("txmsg.in-doubt.probe-interval", p.getInDoubt().getProbeInterval(), false);
        ConsumerProperties consumer = p.getConsumer();
        atLeastOne("txmsg.consumer.threads", consumer.getThreads());
        RetentionProperties consumeRetention = consumer.getRetention();
        if (consumeRetention.isEnabled()) {
            positive("txmsg.consumer.retention.period", consumeRetention.getPeriod(), false);
            positive("txmsg.consumer.retention.interval", consumeRetention.getInterval(), false);
            atLeastOne("txmsg.consumer.retention.batch-size", consumeRetention.getBatchSize());
            beyondCheckWindow("txmsg.consumer.retention.period", consumeRetention.getPeriod(), broker);
        }
        if (p.getMode() == null) {
            throw invalid("txmsg.mode", null, "half-message or outbox");
        }
        try {
            p.getOutbox().toOptions();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid txmsg configuration: txmsg.outbox: " + e.getMessage()
                + " (the names are txmsg.outbox.* in kebab case)", e);
        }
        for (String topic : p.getTopics()) {
            try {
                Topics.requireValid(topic);
            } catch (IllegalArgumentException e) {
                throw invalid("txmsg.topics", topic, "RocketMQ topic names (" + e.getMessage() + ")");
            }
        }
    }

    /** The retention must outlast the broker's check window twice over (the one rule, {@link CheckWindow}). */
    private static void beyondCheckWindow(String name, Duration retention, BrokerProperties broker) {
        try {
            broker.checkWindow().requireRetentionBeyond(retention);
        } catch (IllegalArgumentException e) {
            throw invalid(name, retention, e.getMessage());
        }
    }

    static void positive(String name, Duration value, boolean optional) {
        if (value == null && optional) {
            return;
        }
        if (value == null || value.isZero() || value.isNegative()) {
            throw invalid(name, value, "a positive duration such as 500ms, 5s or 1m");
        }
    }

    static void atLeastOne(String name, int value) {
        if (value < 1) {
            throw invalid(name, value, "an integer of at least 1");
        }
    }

    static IllegalStateException invalid(String name, Object value, String allowed) {
        return new IllegalStateException("invalid txmsg configuration: " + name + " = " + value + "; allowed: " + allowed);
    }
}
