package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import dev.txmsg.rocketmq.log.TableName;

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
        positive("txmsg.check.lock-wait", p.getCheck().getLockWait(), false);
        if (p.getCheck().getClockSkew() == null || p.getCheck().getClockSkew().isNegative()) {
            throw invalid("txmsg.check.clock-skew", p.getCheck().getClockSkew(), "a duration of zero or more, such as 5m");
        }
        atLeastOne("txmsg.check.pool-size", p.getCheck().getPoolSize());
        atLeastOne("txmsg.check.queue-capacity", p.getCheck().getQueueCapacity());
        TxMsgProperties.Broker broker = p.getBroker();
        positive("txmsg.broker.transaction-timeout", broker.getTransactionTimeout(), false);
        positive("txmsg.broker.check-interval", broker.getCheckInterval(), false);
        atLeastOne("txmsg.broker.check-max", broker.getCheckMax());
        TxMsgProperties.Retention retention = p.getRetention();
        if (retention.isEnabled()) {
            positive("txmsg.retention.period", retention.getPeriod(), false);
            positive("txmsg.retention.interval", retention.getInterval(), false);
            atLeastOne("txmsg.retention.batch-size", retention.getBatchSize());
            Duration window = broker.checkWindow();
            if (p.getCheck().getClockSkew().compareTo(retention.getPeriod()) >= 0) {
                throw invalid("txmsg.check.clock-skew", p.getCheck().getClockSkew(), "less than txmsg.retention.period ("
                    + retention.getPeriod() + ")");
            }
            if (retention.getPeriod().compareTo(window.multipliedBy(2)) < 0) {
                throw invalid("txmsg.retention.period", retention.getPeriod(), "at least twice the broker's check window, "
                    + window.multipliedBy(2) + " (txmsg.broker.transaction-timeout + check-max x check-interval = " + window
                    + "): a row purged while the broker may still ask about its message makes that message undecidable");
            }
        }
        TxMsgProperties.RetrySettings retry = p.getResilience().getRetry();
        atLeastOne("txmsg.resilience.retry.max-attempts", retry.getMaxAttempts());
        positive("txmsg.resilience.retry.initial-backoff", retry.getInitialBackoff(), false);
        if (!(retry.getMultiplier() >= 1.0)) {
            throw invalid("txmsg.resilience.retry.multiplier", retry.getMultiplier(), "a number of at least 1.0");
        }
        TxMsgProperties.CircuitBreakerSettings cb = p.getResilience().getCircuitBreaker();
        if (!(cb.getFailureRateThreshold() > 0 && cb.getFailureRateThreshold() <= 100)) {
            throw invalid("txmsg.resilience.circuit-breaker.failure-rate-threshold", cb.getFailureRateThreshold(),
                "a percentage above 0 and at most 100");
        }
        atLeastOne("txmsg.resilience.circuit-breaker.sliding-window-size", cb.getSlidingWindowSize());
        atLeastOne("txmsg.resilience.circuit-breaker.minimum-number-of-calls", cb.getMinimumNumberOfCalls());
        atLeastOne("txmsg.resilience.circuit-breaker.permitted-calls-in-half-open-state", cb.getPermittedCallsInHalfOpenState());
        positive("txmsg.resilience.circuit-breaker.wait-duration-in-open-state", cb.getWaitDurationInOpenState(), false);
        positive("txmsg.in-doubt.probe-interval", p.getInDoubt().getProbeInterval(), false);
        TxMsgProperties.Consumer consumer = p.getConsumer();
        atLeastOne("txmsg.consumer.threads", consumer.getThreads());
        TxMsgProperties.Retention consumeRetention = consumer.getRetention();
        if (consumeRetention.isEnabled()) {
            positive("txmsg.consumer.retention.period", consumeRetention.getPeriod(), false);
            positive("txmsg.consumer.retention.interval", consumeRetention.getInterval(), false);
            atLeastOne("txmsg.consumer.retention.batch-size", consumeRetention.getBatchSize());
            Duration window = broker.checkWindow();
            if (consumeRetention.getPeriod().compareTo(window.multipliedBy(2)) < 0) {
                throw invalid("txmsg.consumer.retention.period", consumeRetention.getPeriod(), "at least twice the broker's check "
                    + "window, " + window.multipliedBy(2) + ": duplicates arrive at least that late, and a purged key would let "
                    + "one through");
            }
        }
        for (String topic : p.getTopics()) {
            if (topic == null || !topic.matches("[%|a-zA-Z0-9_-]{1,127}")) {
                throw invalid("txmsg.topics", topic, "RocketMQ topic names: 1 to 127 letters, digits, '-', '_', '%' or '|'");
            }
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
