package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.txmsg.rocketmq.log.SchemaInitialization;

/**
 * txmsg's settings ({@code txmsg.*}). The broker connection, ACL credentials, namespace and TLS
 * come from rocketmq-spring's usual {@code rocketmq.*} properties.
 */
@ConfigurationProperties(prefix = "txmsg")
public class TxMsgProperties {

    /** Whether txmsg configures a sender. */
    private boolean enabled = true;

    /**
     * The producer group. Defaults to spring.application.name; there is no shared default, because
     * the broker sends check-backs to any producer of the group and every one must read the same
     * transaction log. Must differ from rocketmq.producer.group.
     */
    private String producerGroup;

    /**
     * Topics the application publishes to. Their routes are fetched at start-up, so that a restarted
     * service receives the check-backs of its in-doubt messages before its first send.
     */
    private List<String> topics = new ArrayList<>();

    /** Name of the transaction-log table; the log's identity lives in {@code <table>_identity}. */
    private String table = "txmsg_tx_log";

    /** When to create txmsg's tables: embedded (H2 only), always, or never. */
    private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

    private final Send send = new Send();

    private final Check check = new Check();

    private final Retention retention = new Retention();

    private final Broker broker = new Broker();

    private final Resilience resilience = new Resilience();

    private final Consumer consumer = new Consumer();

    private final InDoubt inDoubt = new InDoubt();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getProducerGroup() {
        return producerGroup;
    }

    public void setProducerGroup(String producerGroup) {
        this.producerGroup = producerGroup;
    }

    public List<String> getTopics() {
        return topics;
    }

    public void setTopics(List<String> topics) {
        this.topics = topics;
    }

    public String getTable() {
        return table;
    }

    public void setTable(String table) {
        this.table = table;
    }

    public SchemaInitialization getInitializeSchema() {
        return initializeSchema;
    }

    public void setInitializeSchema(SchemaInitialization initializeSchema) {
        this.initializeSchema = initializeSchema;
    }

    public Send getSend() {
        return send;
    }

    public Check getCheck() {
        return check;
    }

    public Retention getRetention() {
        return retention;
    }

    public Broker getBroker() {
        return broker;
    }

    public Resilience getResilience() {
        return resilience;
    }

    public Consumer getConsumer() {
        return consumer;
    }

    public InDoubt getInDoubt() {
        return inDoubt;
    }

    /** The send path ({@code txmsg.send.*}). */
    public static class Send {

        /** Timeout of the half-message send. Defaults to rocketmq.producer.send-message-timeout (3 s). */
        private Duration timeout;

        /**
         * Send the half message asynchronously, its round trip overlapping the executor's work; it is
         * stored before the local commit either way.
         */
        private boolean overlap = true;

        public Duration getTimeout() {
            return timeout;
        }

        public void setTimeout(Duration timeout) {
            this.timeout = timeout;
        }

        public boolean isOverlap() {
            return overlap;
        }

        public void setOverlap(boolean overlap) {
            this.overlap = overlap;
        }
    }

    /** Check-backs ({@code txmsg.check.*}). */
    public static class Check {

        /** Threads that answer check-backs (never the client's remoting threads). */
        private int poolSize = 4;

        /** Check-backs that may wait for a thread; beyond that they are counted and dropped, and the broker asks again. */
        private int queueCapacity = 2000;

        /**
         * How long a check-back waits for a local transaction that holds the row before it answers
         * UNKNOWN (whole seconds, rounded up).
         */
        private Duration lockWait = Duration.ofSeconds(5);

        /**
         * How far apart any two clocks may be: those of the group's JVMs (a message's birth is stamped
         * by the sending one, judged by the checking one) and the database's (the purge ages rows by
         * it). A check-back treats a message as beyond the retention this much earlier, and never
         * fences it. Keep the clocks in sync (NTP) well within it.
         */
        private Duration clockSkew = Duration.ofMinutes(5);

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public int getQueueCapacity() {
            return queueCapacity;
        }

        public void setQueueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
        }

        public Duration getLockWait() {
            return lockWait;
        }

        public void setLockWait(Duration lockWait) {
            this.lockWait = lockWait;
        }

        public Duration getClockSkew() {
            return clockSkew;
        }

        public void setClockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
        }
    }

    /** Purging old transaction-log rows ({@code txmsg.retention.*}). */
    public static class Retention {

        /** Whether old rows are purged. Without it the log grows forever and check-backs never apply the horizon. */
        private boolean enabled = true;

        /**
         * Age beyond which rows are purged, by the database's clock. Must be at least twice the broker's
         * check window (txmsg.broker.*); a check-back for an older message that finds no row answers UNKNOWN.
         */
        private Duration period = Duration.ofDays(1);

        /** Time between purge runs (the first comes after a random part of it, to spread instances). */
        private Duration interval = Duration.ofMinutes(1);

        /** Rows per delete statement. */
        private int batchSize = 1000;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getPeriod() {
            return period;
        }

        public void setPeriod(Duration period) {
            this.period = period;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }
    }

    /**
     * The broker's transaction-check settings ({@code txmsg.broker.*}), which the client cannot read:
     * they bound how long the broker may ask about a message, and so how long its row must live.
     * Defaults match RocketMQ's.
     */
    public static class Broker {

        /** The broker's transactionTimeOut: age of a half message before its first check-back. */
        private Duration transactionTimeout = Duration.ofSeconds(6);

        /** The broker's transactionCheckInterval. */
        private Duration checkInterval = Duration.ofSeconds(30);

        /** The broker's transactionCheckMax: check-backs before it gives up on a message. */
        private int checkMax = 15;

        public Duration getTransactionTimeout() {
            return transactionTimeout;
        }

        public void setTransactionTimeout(Duration transactionTimeout) {
            this.transactionTimeout = transactionTimeout;
        }

        public Duration getCheckInterval() {
            return checkInterval;
        }

        public void setCheckInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
        }

        public int getCheckMax() {
            return checkMax;
        }

        public void setCheckMax(int checkMax) {
            this.checkMax = checkMax;
        }

        /** The whole window in which the broker may ask about a message. */
        public Duration checkWindow() {
            return transactionTimeout.plus(checkInterval.multipliedBy(checkMax));
        }
    }

    /**
     * Resilience4j on the half send ({@code txmsg.resilience.*}). With resilience4j-spring-boot3 and
     * instances named {@code txmsg} under resilience4j.circuitbreaker / resilience4j.retry, those are
     * used instead.
     */
    public static class Resilience {

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

    /** Consumers ({@code txmsg.consumer.*}): handlers registered with {@code @TxMsgListener} or as {@code Subscription} beans. */
    public static class Consumer {

        /** Whether txmsg runs the application's handlers. */
        private boolean enabled = true;

        /** Consume threads per consumer group. */
        private int threads = 8;

        /** Where a brand-new consumer group starts: last (only new messages, RocketMQ's default) or first (everything stored). */
        private StartFrom startFrom = StartFrom.LAST;

        private final Retention retention = new Retention();

        public Consumer() {
            retention.setPeriod(Duration.ofDays(7));
        }

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public StartFrom getStartFrom() {
            return startFrom;
        }

        public void setStartFrom(StartFrom startFrom) {
            this.startFrom = startFrom;
        }

        /** Purging the consume log ({@code txmsg.consumer.retention.*}; default period 7 days). */
        public Retention getRetention() {
            return retention;
        }
    }

    /** Where a new consumer group starts reading. */
    public enum StartFrom {
        /** Only messages stored from now on. */
        LAST,
        /** Every message the broker still stores. */
        FIRST
    }

    /** Settling half messages whose check-backs were exhausted ({@code txmsg.in-doubt.*}). */
    public static class InDoubt {

        /**
         * Whether the sender's service watches TRANS_CHECK_MAX_TIME_TOPIC for its producer group and
         * settles what lands there from the transaction log.
         */
        private boolean enabled = true;

        /**
         * How often the watcher asks the name server whether TRANS_CHECK_MAX_TIME_TOPIC exists yet (the
         * broker creates it when it first gives a half message up); it subscribes once it does.
         */
        private Duration probeInterval = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getProbeInterval() {
            return probeInterval;
        }

        public void setProbeInterval(Duration probeInterval) {
            this.probeInterval = probeInterval;
        }
    }
}
