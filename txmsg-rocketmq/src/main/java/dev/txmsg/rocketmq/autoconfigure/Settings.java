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
        positive("txmsg.reconcile.interval", p.getReconcile().getInterval(), false);
        if (p.getReconcile().getInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw invalid("txmsg.reconcile.interval", p.getReconcile().getInterval(), "at least 1s");
        }
        if (p.getReconcile().isEnabled() && retention.isEnabled()) {
            // the reconciliation must see a row before the retention deletes it
            Duration reach = broker.checkWindow().duration().plus(broker.getCheckInterval())
                .plus(p.getReconcile().getInterval().multipliedBy(3)).plus(p.getReconcile().getCatchUp());
            if (retention.getPeriod().compareTo(reach) <= 0) {
                throw invalid("txmsg.reconcile.catch-up", p.getReconcile().getCatchUp(), "short enough that the broker's check window + "
                    + "a check interval + 3 x txmsg.reconcile.interval + txmsg.reconcile.catch-up (" + reach
                    + ") stays below txmsg.retention.period (" + retention.getPeriod() + ")");
            }
        }
        if (p.getReconcile().getCatchUp() == null || p.getReconcile().getCatchUp().isNegative()) {
            throw invalid("txmsg.reconcile.catch-up", p.getReconcile().getCatchUp(), "a duration of 0 or more, such as 0s or 1h");
        }
        atLeastOne("txmsg.reconcile.batch-size", p.getReconcile().getBatchSize());
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
        OutboxProperties outbox = p.getOutbox();
        between("txmsg.outbox.partitions", outbox.getPartitions(), 1, dev.txmsg.rocketmq.outbox.OutboxOptions.MAX_PARTITIONS);
        between("txmsg.outbox.batch-size", outbox.getBatchSize(), 1, 10_000);
        between("txmsg.outbox.max-batch-bytes", outbox.getMaxBatchBytes(), 1024, Integer.MAX_VALUE);
        between("txmsg.outbox.workers", outbox.getWorkers(), 1, 64);
        between("txmsg.outbox.max-attempts", outbox.getMaxAttempts(), 1, 1000);
        positive("txmsg.outbox.poll-interval", outbox.getPollInterval(), false);
        positive("txmsg.outbox.lease-ttl", outbox.getLeaseTtl(), false);
        if (outbox.getLeaseTtl().compareTo(java.time.Duration.ofSeconds(1)) < 0) {
            throw invalid("txmsg.outbox.lease-ttl", outbox.getLeaseTtl(), "at least 1s (the relay renews it every third of it)");
        }
        positive("txmsg.outbox.initial-backoff", outbox.getInitialBackoff(), false);
        positive("txmsg.outbox.max-backoff", outbox.getMaxBackoff(), false);
        if (outbox.getMaxBackoff().compareTo(outbox.getInitialBackoff()) < 0) {
            throw invalid("txmsg.outbox.max-backoff", outbox.getMaxBackoff(), "at least txmsg.outbox.initial-backoff ("
                + outbox.getInitialBackoff() + ")");
        }
        positive("txmsg.outbox.max-age", outbox.getMaxAge(), false);
        positive("txmsg.outbox.discarded-retention", outbox.getDiscardedRetention(), false);
        if (outbox.getPublishedRetention() == null || outbox.getPublishedRetention().isNegative()) {
            throw invalid("txmsg.outbox.published-retention", outbox.getPublishedRetention(), "a duration of zero (delete when published) or more");
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

    private static void between(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(name, value, "an integer from " + min + " to " + max);
        }
    }

    static IllegalStateException invalid(String name, Object value, String allowed) {
        return new IllegalStateException("invalid txmsg configuration: " + name + " = " + value + "; allowed: " + allowed);
    }
}
