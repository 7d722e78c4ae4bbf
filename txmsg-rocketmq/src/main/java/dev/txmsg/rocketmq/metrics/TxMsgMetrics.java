package dev.txmsg.rocketmq.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.TransactionState;

/**
 * txmsg's meters, all tagged with the producer group:
 * <ul>
 * <li>{@code txmsg.send} (counter, tag {@code outcome}: committed, rolled_back, failed, fenced, unknown)
 *     and {@code txmsg.send.latency} (timer, same tag): local transactions, whatever their number of messages</li>
 * <li>{@code txmsg.send.messages} (counter, same tag): the messages of those transactions</li>
 * <li>{@code txmsg.checkback} (counter, tag {@code answer}: commit, rollback, unknown)</li>
 * <li>{@code txmsg.checkback.fenced}: check-backs that fenced a transaction</li>
 * <li>{@code txmsg.checkback.foreign}: check-backs for messages of another transaction log (an alarm)</li>
 * <li>{@code txmsg.checkback.beyond.retention}: check-backs for messages older than the log's retention (an alarm)</li>
 * <li>{@code txmsg.checkback.dropped}: check-backs dropped because the check-back pool was full</li>
 * <li>{@code txmsg.checkback.running}: check-backs answered UNKNOWN at once because the transaction
 *     still runs in this process</li>
 * <li>{@code txmsg.checkback.active}, {@code txmsg.checkback.queued} (gauges): check-back threads at
 *     work (waiting on a log row's lock included) and check-backs waiting for a thread</li>
 * <li>{@code txmsg.in.doubt.failing} (gauge, an alarm while above 0) and {@code txmsg.in.doubt.settle.failures}:
 *     exhausted half messages whose settlement keeps failing, and failed attempts</li>
 * <li>{@code txmsg.end.failed}: end-transaction requests that could not be sent (the check-back settles them)</li>
 * <li>{@code txmsg.send.in.flight} (gauge): sends under way</li>
 * <li>{@code txmsg.circuit.state} (gauge): the half send's circuit breaker, 0 closed, 1 open, 2 half-open,
 *     3 disabled or forced open</li>
 * <li>{@code txmsg.log.rows} (gauge): rows in the transaction log, as last counted by the retention job</li>
 * <li>{@code txmsg.log.purged}: rows deleted by the retention job</li>
 * </ul>
 */
public final class TxMsgMetrics {

    /** How a send ended, as counted by {@code txmsg.send}. */
    public enum SendOutcome {
        /** The local transaction committed. */
        COMMITTED,
        /** The executor threw; transaction and message were rolled back. */
        ROLLED_BACK,
        /** The half message was not stored; nothing was committed. */
        FAILED,
        /** A check-back fenced the transaction before its log row. */
        FENCED,
        /** The commit's outcome is unknown; the check-back settles it. */
        UNKNOWN;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final MessageTracing tracing;
    private volatile Map<String, java.util.function.LongSupplier> reconcileCounts = Map.of();
    private final String group;
    private final Counter fenced;
    private final Counter foreign;
    private final Counter beyondRetention;
    private final Counter dropped;
    private final Counter stillRunning;
    private final Counter endFailed;
    private final Counter purged;
    private final io.micrometer.core.instrument.DistributionSummary outboxBatches;
    private final Timer outboxLatency;
    private final Counter outboxTransient;
    private final Counter outboxRefused;
    private final java.util.Map<SendOutcome, Counter> sends = new java.util.EnumMap<>(SendOutcome.class);
    private final java.util.Map<SendOutcome, Counter> messages = new java.util.EnumMap<>(SendOutcome.class);
    private final java.util.Map<SendOutcome, Timer> latencies = new java.util.EnumMap<>(SendOutcome.class);
    private final java.util.Map<TransactionState, Counter> checkBacks = new java.util.EnumMap<>(TransactionState.class);
    private final java.util.concurrent.atomic.AtomicLong logRows = new java.util.concurrent.atomic.AtomicLong(-1);

    /**
     * @param registry where the meters live
     * @param group    the producer group, the tag of every meter
     */
    public TxMsgMetrics(MeterRegistry registry, String group) {
        this(registry, group, MessageTracing.none());
    }

    /**
     * @param registry where the meters live
     * @param group    the producer group, the tag of every meter
     * @param tracing  the observations of sends, check-backs, settlements and the relay
     */
    public TxMsgMetrics(MeterRegistry registry, String group, MessageTracing tracing) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.group = Objects.requireNonNull(group, "group");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.fenced = counter("txmsg.checkback.fenced", "check-backs that fenced a transaction (wrote ROLLED_BACK first)");
        this.foreign = counter("txmsg.checkback.foreign", "check-backs for messages written by another transaction log; answered UNKNOWN");
        this.beyondRetention = counter("txmsg.checkback.beyond.retention", "check-backs for messages older than the log's retention; answered UNKNOWN");
        this.dropped = counter("txmsg.checkback.dropped", "check-backs dropped because the check-back pool's queue was full");
        this.stillRunning = counter("txmsg.checkback.running",
            "check-backs answered UNKNOWN at once because the transaction still runs in this process");
        this.endFailed = counter("txmsg.end.failed", "end-transaction requests that could not be sent; the check-back settles them");
        this.purged = counter("txmsg.log.purged", "transaction-log rows deleted by the retention job");
        this.outboxBatches = io.micrometer.core.instrument.DistributionSummary.builder("txmsg.outbox.batch.size")
            .description("messages per batch the outbox relay published").tag("group", group).register(registry);
        this.outboxLatency = Timer.builder("txmsg.outbox.publish.latency")
            .description("outbox messages published, from the commit that wrote them to the broker's confirmation")
            .tag("group", group).register(registry);
        this.outboxTransient = Counter.builder("txmsg.outbox.publish.failures").description("failed outbox publications")
            .tag("group", group).tag("kind", "transient").register(registry);
        this.outboxRefused = Counter.builder("txmsg.outbox.publish.failures").description("failed outbox publications")
            .tag("group", group).tag("kind", "refused").register(registry);
        // Registered once: the send path only increments.
        for (SendOutcome outcome : SendOutcome.values()) {
            sends.put(outcome, Counter.builder("txmsg.send").description("transactional sends by outcome")
                .tag("group", group).tag("outcome", outcome.tag()).register(registry));
            messages.put(outcome, Counter.builder("txmsg.send.messages").description("messages of transactional sends by outcome")
                .tag("group", group).tag("outcome", outcome.tag()).register(registry));
            latencies.put(outcome, Timer.builder("txmsg.send.latency").description("time of a transactional send, from the call to its return")
                .tag("group", group).tag("outcome", outcome.tag()).register(registry));
        }
        for (TransactionState answer : TransactionState.values()) {
            String tag = switch (answer) {
                case COMMITTED -> "commit";
                case ROLLED_BACK -> "rollback";
                case UNKNOWN -> "unknown";
            };
            checkBacks.put(answer, Counter.builder("txmsg.checkback").description("check-backs by answer")
                .tag("group", group).tag("answer", tag).register(registry));
        }
        Gauge.builder("txmsg.log.rows", logRows, java.util.concurrent.atomic.AtomicLong::get)
            .description("rows in the transaction log as last counted by the retention job (-1: not counted yet)")
            .tag("group", group).register(registry);
    }

    /** Publishes the number of sends under way. */
    public void inFlightSends(java.util.concurrent.atomic.AtomicInteger inFlight) {
        Gauge.builder("txmsg.send.in.flight", inFlight, java.util.concurrent.atomic.AtomicInteger::get)
            .description("transactional sends under way").tag("group", group).register(registry);
    }

    /** Publishes the state of the half send's circuit breaker. */
    public void circuitBreaker(io.github.resilience4j.circuitbreaker.CircuitBreaker circuitBreaker) {
        Gauge.builder("txmsg.circuit.state", circuitBreaker, cb -> switch (cb.getState()) {
                case CLOSED -> 0;
                case OPEN -> 1;
                case HALF_OPEN -> 2;
                default -> 3;
            })
            .description("the half send's circuit breaker: 0 closed, 1 open, 2 half-open, 3 disabled or forced open")
            .tag("group", group).register(registry);
    }

    /** Records the transaction log's size. */
    public void logRows(long rows) {
        logRows.set(rows);
    }

    /** Counts rows purged by the retention job. */
    public void purged(int rows) {
        purged.increment(rows);
    }

    /** Meters on a registry of their own, for use without an application registry. */
    public static TxMsgMetrics standalone(String group) {
        return new TxMsgMetrics(new SimpleMeterRegistry(), group);
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The observations (none unless an {@code ObservationRegistry} was given). */
    public MessageTracing tracing() {
        return tracing;
    }

    /** The producer group. */
    public String group() {
        return group;
    }

    /** Counts a send of one message and records its latency. */
    public void send(SendOutcome outcome, Duration latency) {
        send(outcome, 1, latency);
    }

    /** Counts a send (one local transaction) of {@code count} messages and records its latency. */
    public void send(SendOutcome outcome, int count, Duration latency) {
        sends.get(outcome).increment();
        messages.get(outcome).increment(count);
        latencies.get(outcome).record(latency);
    }

    /** Counts a check-back's answer. */
    public void checkBack(TransactionState answer) {
        checkBacks.get(answer).increment();
    }

    /** Counts a fence. */
    public void fenced() {
        fenced.increment();
    }

    /** Counts a check-back for another log's message. */
    public void foreign() {
        foreign.increment();
    }

    /** Counts a check-back for a message older than the retention. */
    public void beyondRetention() {
        beyondRetention.increment();
    }

    /** Counts a check-back dropped for a full pool. */
    public void dropped() {
        dropped.increment();
    }

    /** Counts a check-back answered at once because its transaction still runs here. */
    public void stillRunning() {
        stillRunning.increment();
    }

    /** Publishes the check-back pool's busy threads and queue. */
    public void checkBackPool(java.util.concurrent.ThreadPoolExecutor pool) {
        Gauge.builder("txmsg.checkback.active", pool, java.util.concurrent.ThreadPoolExecutor::getActiveCount)
            .description("check-back threads at work, waiting on a log row's lock included").tag("group", group).register(registry);
        Gauge.builder("txmsg.checkback.queued", pool, p -> p.getQueue().size())
            .description("check-backs waiting for a thread").tag("group", group).register(registry);
    }

    /** Publishes the in-doubt watcher's alarm: messages whose settlement keeps failing, and failed attempts. */
    public void inDoubtWatcher(java.util.function.IntSupplier failing, java.util.function.LongSupplier failures) {
        Gauge.builder("txmsg.in.doubt.failing", failing, f -> f.getAsInt())
            .description("exhausted half messages whose settlement failed and has not succeeded since (an alarm while above 0)")
            .tag("group", group).register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("txmsg.in.doubt.settle.failures", failures, f -> f.getAsLong())
            .description("failed attempts to settle exhausted half messages").tag("group", group).register(registry);
    }

    /**
     * Publishes the reconciliation's counts: {@code txmsg.reconcile} by {@code result} (delivered,
     * republished, missing, failed). {@code missing} above 0 is an alarm: a committed transaction's
     * message is neither in its topic nor in a half topic.
     */
    public void reconciler(Map<String, java.util.function.LongSupplier> countByResult) {
        reconcileCounts = Map.copyOf(countByResult); // held here: Micrometer keeps only a weak reference
        reconcileCounts.forEach((result, count) -> io.micrometer.core.instrument.FunctionCounter
            .builder("txmsg.reconcile", count, java.util.function.LongSupplier::getAsLong)
            .description("committed transactions the reconciliation verified, by result").tag("group", group)
            .tag("result", result).register(registry));
    }

    /**
     * Publishes the outbox's gauges (outbox mode): messages waiting, the age of the oldest, failed
     * messages waiting for an operator, partitions this relay holds.
     */
    public void outbox(java.util.function.LongSupplier pending, java.util.function.Supplier<Duration> oldestAge,
                       java.util.function.LongSupplier failed, java.util.function.IntSupplier partitions) {
        Gauge.builder("txmsg.outbox.backlog", pending, p -> p.getAsLong())
            .description("outbox messages waiting for the relay, as last counted (every 5 s)").tag("group", group).register(registry);
        Gauge.builder("txmsg.outbox.oldest.age", oldestAge, a -> a.get().toMillis() / 1000.0).baseUnit("seconds")
            .description("age of the oldest waiting outbox message, as last counted (every 5 s)").tag("group", group).register(registry);
        Gauge.builder("txmsg.outbox.failed", failed, f -> f.getAsLong())
            .description("outbox messages the broker refused for good, waiting for an operator").tag("group", group).register(registry);
        Gauge.builder("txmsg.outbox.partitions", partitions, p -> p.getAsInt())
            .description("outbox partitions this relay holds").tag("group", group).register(registry);
    }

    /** Counts one batch the relay published, of {@code size} messages. */
    public void outboxBatch(int size) {
        outboxBatches.record(size);
    }

    /** Records one published outbox message: from its commit (its row's time) to the broker's confirmation. */
    public void outboxPublished(Duration latency) {
        outboxLatency.record(latency);
    }

    /** Counts a failed publication: transient (retried) or a refusal of the message. */
    public void outboxFailure(boolean transientFailure) {
        (transientFailure ? outboxTransient : outboxRefused).increment();
    }

    /** Counts an end-transaction that could not be sent. */
    public void endFailed() {
        endFailed.increment();
    }

    private Counter counter(String name, String description) {
        return Counter.builder(name).description(description).tag("group", group).register(registry);
    }
}
