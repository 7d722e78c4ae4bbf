package dev.txmsg.rocketmq.outbox;

import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.client.common.ClientErrorCode;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.remoting.exception.RemotingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.core.IntervalFunction;

import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.TransientSendFailures;

/**
 * Publishes the outbox. Each relay holds leases on a share of the outbox's partitions (renewed
 * every third of their time; a dead relay's partitions are taken over when its leases run out) and
 * publishes each of its partitions in the order the messages were written. Each of its workers
 * owns a slice of its partitions (partition modulo workers) and publishes them in batches, one
 * database transaction per batch whatever the number of partitions in it, while holding the locks
 * of their lease rows: no other relay publishes those partitions meanwhile, even one that believes
 * it holds a lease.
 * <ul>
 * <li>Woken right after a commit that wrote messages in a partition it holds; every
 *     {@link OutboxOptions#pollInterval()} it also looks for messages it was not woken for.</li>
 * <li>A batch is published to the partition's message queue (RocketMQ's batch send), then deleted
 *     in one statement. A relay that dies in between publishes it again; consumers drop the copies
 *     by the transaction id.</li>
 * <li>Transient failures (broker unreachable, busy, timeout) are retried without end, with backoff.
 *     A message the broker refuses is retried up to {@link OutboxOptions#maxAttempts()} times, then
 *     FAILED: it waits for an operator and holds back the later messages of its ordering key, and
 *     only those.</li>
 * </ul>
 */
public final class OutboxRelay implements AutoCloseable, OutboxFlow.Waker {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final String owner;
    private final OutboxStore store;
    private final OutboxPublisher publisher;
    private final OutboxOptions options;
    private final TxMsgMetrics metrics;
    private final SliceState[] states;
    private final IntervalFunction backoff;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;
    private volatile Set<Integer> owned = Set.of();
    /** Partitions being given back to another relay: claimed no more, so that the next heartbeat finds them unlocked. */
    private volatile Set<Integer> releasing = Set.of();
    private volatile OutboxStore.Backlog backlog = new OutboxStore.Backlog(0, Duration.ZERO, 0);
    private volatile boolean closed;
    private final AtomicBoolean heartbeatFailing = new AtomicBoolean();
    private final AtomicLong published = new AtomicLong();

    /**
     * A relay, not started.
     *
     * @param group     the producer group, part of the relay's name in the lease table
     * @param store     the outbox
     * @param publisher where messages go
     * @param options   how it works
     * @param metrics   where it counts
     */
    public OutboxRelay(String group, OutboxStore store, OutboxPublisher publisher, OutboxOptions options, TxMsgMetrics metrics) {
        this.owner = ownerName(group);
        this.store = Objects.requireNonNull(store, "store");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.options = Objects.requireNonNull(options, "options");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.states = new SliceState[options.workers()];
        for (int w = 0; w < states.length; w++) {
            states[w] = new SliceState(w);
        }
        store.leaseTtl(options.leaseTtl());
        this.backoff = IntervalFunction.ofExponentialBackoff(options.initialBackoff().toMillis(), 2.0, options.maxBackoff().toMillis());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("outbox-" + group));
        this.workers = Executors.newFixedThreadPool(options.workers(), DaemonThreads.named("outbox-relay-" + group));
        metrics.outbox(() -> backlog.pending(), () -> backlog.oldestAge(), () -> backlog.failed(), () -> owned.size());
    }

    private static String ownerName(String group) {
        String host = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
        String name = group + "/" + host + "/" + UUID.randomUUID().toString().substring(0, 8);
        return name.length() <= 128 ? name : name.substring(name.length() - 128);
    }

    /**
     * Starts: takes its share of the partitions and publishes what waits there.
     *
     * @throws IllegalStateException if messages wait in partitions beyond the configured count (they would be stranded)
     */
    public OutboxRelay start() {
        try {
            store.requireNothingBeyond(options.partitions());
        } catch (SQLException e) {
            throw new IllegalStateException("the outbox could not be read: " + e.getMessage(), e);
        }
        long beat = Math.max(100, options.leaseTtl().toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::heartbeat, 0, beat, TimeUnit.MILLISECONDS);
        long poll = options.pollInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS);
        scheduler.scheduleWithFixedDelay(this::housekeeping, 0, 5, TimeUnit.SECONDS);
        return this;
    }

    /** This relay's name in the lease table. */
    public String owner() {
        return owner;
    }

    /** The partitions it holds now. */
    public Set<Integer> partitions() {
        return owned;
    }

    /** Messages it has published since it started (copies after a failure included). */
    public long published() {
        return published.get();
    }

    /** The backlog as last counted (every 5 s): what health and the gauges show. */
    public OutboxStore.Backlog backlog() {
        return backlog;
    }

    /** The options it runs with. */
    public OutboxOptions options() {
        return options;
    }

    /** Counts the backlog now (and updates {@link #backlog()}). */
    public OutboxStore.Backlog refreshBacklog() throws SQLException {
        OutboxStore.Backlog now = store.backlog();
        backlog = now;
        return now;
    }

    @Override
    public void committed(Set<Integer> partitions) {
        Set<Integer> mine = owned;
        for (int p : partitions) {
            if (mine.contains(p)) {
                schedule(slice(p), false);
            }
        }
    }

    /** Publishes partition {@code partition} now if this relay holds it (after an operator's replay or discard). */
    public void wake(int partition) {
        if (owned.contains(partition)) {
            schedule(slice(partition), true);
        }
    }

    /** The worker's slice a partition belongs to: each worker publishes its own partitions, one claim for all of them. */
    private int slice(int partition) {
        return partition % states.length;
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        try { // Throwable: an escaping Error would cancel the scheduled heartbeat for good
            Set<Integer> before = owned;
            OutboxStore.Leases leases = store.heartbeat(owner, options.partitions(), options.leaseTtl());
            Set<Integer> now = leases.held();
            releasing = leases.releasing();
            owned = now;
            if (heartbeatFailing.compareAndSet(true, false)) {
                LOG.info("outbox relay {} reaches its database again", owner);
            }
            for (int p : now) {
                if (!before.contains(p)) {
                    schedule(slice(p), false); // newly taken: publish what waits there
                }
            }
            if (!before.equals(now)) {
                LOG.debug("outbox relay {} holds partitions {}", owner, now);
            }
        } catch (Throwable e) {
            if (heartbeatFailing.compareAndSet(false, true)) {
                LOG.warn("outbox relay {} could not renew its partition leases ({}); it retries, and other relays take the "
                    + "partitions over when the leases run out", owner, e.toString());
            }
        }
    }

    private void poll() {
        if (closed || owned.isEmpty()) {
            return;
        }
        try {
            Set<Integer> mine = owned;
            for (int p : store.pendingPartitions()) {
                if (mine.contains(p)) {
                    schedule(slice(p), false);
                }
            }
        } catch (Throwable e) {
            LOG.debug("outbox poll failed: {}", e.toString());
        }
    }

    private void housekeeping() {
        if (closed) {
            return;
        }
        try {
            refreshBacklog();
            store.forgetDeadRelays();
            store.purgeDiscarded(options.discardedRetention(), 500);
            if (!options.publishedRetention().isZero()) {
                for (int i = 0; i < 50 && store.purgePublished(options.publishedRetention(), 1000) == 1000; i++) {
                    // batches of 1,000 until the kept messages are within the retention
                }
            }
        } catch (Throwable e) {
            LOG.debug("outbox backlog count failed: {}", e.toString());
        }
    }

    private void schedule(int slice, boolean now) {
        SliceState state = states[slice];
        state.dirty = true;
        if (closed || !state.scheduled.compareAndSet(false, true)) {
            return;
        }
        long wait = now ? 0 : state.notBefore - System.nanoTime();
        try {
            if (wait > 0) {
                scheduler.schedule(() -> submit(state), wait, TimeUnit.NANOSECONDS);
            } else {
                submit(state);
            }
        } catch (RejectedExecutionException e) {
            state.scheduled.set(false); // closing
        }
    }

    private void submit(SliceState state) {
        try {
            workers.execute(() -> drain(state));
        } catch (RejectedExecutionException e) {
            state.scheduled.set(false);
        }
    }

    /** Publishes the slice's partitions until they are empty, or backs off after a failure. */
    private void drain(SliceState state) {
        Step step;
        try {
            step = Step.MORE;
            while (step == Step.MORE && !closed) {
                state.dirty = false;
                step = publishBatch(state);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            step = Step.DONE;
        } catch (RuntimeException | Error e) {
            LOG.warn("outbox relay failed on the partitions of worker {}; it retries with backoff", state.slice, e);
            step = Step.BACK_OFF;
        }
        if (step == Step.BACK_OFF) {
            state.failures++;
            long delay = backoff.apply(state.failures);
            state.notBefore = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay);
            state.scheduled.set(false);
            if (!closed) {
                try {
                    scheduler.schedule(() -> schedule(state.slice, false), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // closing
                }
            }
            return;
        }
        state.failures = 0;
        state.notBefore = 0;
        state.scheduled.set(false);
        if (state.dirty && !closed) {
            schedule(state.slice, false);
        }
    }

    private enum Step { MORE, DONE, BACK_OFF }

    private Step publishBatch(SliceState state) throws InterruptedException {
        List<Integer> partitions = new ArrayList<>();
        Set<Integer> givingBack = releasing;
        for (int p : owned) {
            if (slice(p) == state.slice && !givingBack.contains(p)) {
                partitions.add(p);
            }
        }
        if (partitions.isEmpty()) {
            return Step.DONE;
        }
        OutboxStore.Claim claim;
        try {
            claim = store.claim(owner, partitions, options.batchSize());
        } catch (SQLException e) {
            LOG.debug("outbox claim of partitions {} failed: {}", partitions, e.toString());
            return Step.BACK_OFF;
        }
        if (!claim.lost().isEmpty()) {
            Set<Integer> now = new HashSet<>(owned);
            now.removeAll(claim.lost()); // their leases are gone: other relays publish them
            owned = Set.copyOf(now);
        }
        long claimedNanos = System.nanoTime();
        List<OutboxStore.Row> rows = claim.rows();
        if (rows.isEmpty()) {
            claim.close();
            return Step.DONE;
        }
        Outcome outcome;
        try {
            outcome = publish(rows);
            claim.finish(outcome.published, outcome.failures, !options.publishedRetention().isZero());
        } catch (SQLException e) {
            LOG.warn("outbox relay published message(s) but could not delete them ({}); they are published again and "
                + "consumers drop the copies", e.toString());
            return Step.BACK_OFF;
        } finally {
            claim.close(); // after finish a no-op; else (an exception, an Error) a rollback: the lease rows' locks go
        }
        record(rows, outcome, claim, claimedNanos);
        if (outcome.backOff) {
            return Step.BACK_OFF;
        }
        return rows.size() >= options.batchSize() ? Step.MORE : Step.DONE;
    }

    private void record(List<OutboxStore.Row> rows, Outcome outcome, OutboxStore.Claim claim, long claimedNanos) {
        if (outcome.published.isEmpty()) {
            return;
        }
        published.addAndGet(outcome.published.size());
        metrics.outboxBatch(outcome.published.size());
        long sinceClaim = System.nanoTime() - claimedNanos;
        long claimedAt = claim.claimedAt() == null ? 0 : claim.claimedAt().getTime();
        Set<Long> done = new HashSet<>(outcome.published);
        for (OutboxStore.Row r : rows) {
            if (done.contains(r.id()) && claimedAt > 0) {
                long millis = Math.max(0, claimedAt - r.createdAt().getTime());
                metrics.outboxPublished(Duration.ofMillis(millis).plusNanos(sinceClaim));
            }
        }
    }

    /** What a batch's publication did. */
    private static final class Outcome {
        final List<Long> published = new ArrayList<>();
        final List<OutboxStore.Failure> failures = new ArrayList<>();
        boolean backOff;
    }

    /** Publishes a claim's rows: each partition's in order, partition after partition; stops at a transient failure. */
    private Outcome publish(List<OutboxStore.Row> rows) throws InterruptedException {
        Outcome outcome = new Outcome();
        java.util.Map<Integer, List<OutboxStore.Row>> byPartition = new java.util.LinkedHashMap<>();
        for (OutboxStore.Row r : rows) {
            byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
        }
        for (var e : byPartition.entrySet()) {
            if (!publish(e.getKey(), e.getValue(), outcome)) {
                break;
            }
        }
        return outcome;
    }

    /** Publishes one partition's rows in order; false after a transient failure (the rest waits for the backoff). */
    private boolean publish(int partition, List<OutboxStore.Row> rows, Outcome outcome) throws InterruptedException {
        Set<String> stopped = new HashSet<>();
        int i = 0;
        while (i < rows.size()) {
            String topic = rows.get(i).topic();
            List<OutboxStore.Row> chunk = new ArrayList<>();
            long bytes = 0;
            int j = i;
            while (j < rows.size() && rows.get(j).topic().equals(topic) && chunk.size() < options.batchSize()) {
                OutboxStore.Row r = rows.get(j);
                long size = r.body().length + (long) r.properties().length() + 64;
                if (!chunk.isEmpty() && bytes + size > options.maxBatchBytes()) {
                    break;
                }
                j++;
                if (r.orderKey() != null && stopped.contains(r.orderKey())) {
                    continue; // held back by an earlier failure of its key
                }
                chunk.add(r);
                bytes += size;
            }
            i = j;
            if (chunk.isEmpty()) {
                continue;
            }
            List<MessageTracing.Step> steps = traced(chunk);
            Exception failure;
            try {
                failure = send(topic, partition, chunk);
            } catch (InterruptedException | RuntimeException | Error e) {
                steps.forEach(step -> step.outcome("failed").error(e).stop());
                throw e;
            }
            for (MessageTracing.Step step : steps) {
                step.outcome(failure == null ? "published" : "failed").error(failure).stop();
            }
            if (failure == null) {
                chunk.forEach(r -> outcome.published.add(r.id()));
                continue;
            }
            if (isTransient(failure)) {
                transientFailure(partition, failure);
                outcome.backOff = true;
                return false;
            }
            for (OutboxStore.Row r : chunk) { // refused: find which, one by one, in order
                if (r.orderKey() != null && stopped.contains(r.orderKey())) {
                    continue;
                }
                Exception f = chunk.size() == 1 ? failure : send(topic, partition, List.of(r));
                if (f == null) {
                    outcome.published.add(r.id());
                    continue;
                }
                if (isTransient(f)) {
                    transientFailure(partition, f);
                    outcome.backOff = true;
                    return false;
                }
                boolean giveUp = r.attempts() + 1 >= options.maxAttempts();
                metrics.outboxFailure(false);
                outcome.failures.add(new OutboxStore.Failure(r.id(), describe(f), giveUp));
                if (r.orderKey() != null) {
                    stopped.add(r.orderKey());
                }
                if (giveUp) {
                    LOG.warn("outbox message {} (topic {}) was refused {} times, last: {}; it is FAILED and waits for an operator "
                        + "(replay or discard it){}", r.transactionId(), topic, r.attempts() + 1, f.toString(),
                        r.orderKey() == null ? "" : "; later messages of its key are held back until then");
                } else {
                    outcome.backOff = true;
                    LOG.debug("outbox message {} refused (attempt {} of {}): {}", r.transactionId(), r.attempts() + 1,
                        options.maxAttempts(), f.toString());
                }
            }
        }
        return true;
    }

    /** The relay's observations of {@code chunk}'s messages, each a child of the send that wrote it (none without a tracer). */
    private List<MessageTracing.Step> traced(List<OutboxStore.Row> chunk) {
        MessageTracing tracing = metrics.tracing();
        if (tracing.registry().isNoop()) {
            return List.of();
        }
        List<MessageTracing.Step> steps = new ArrayList<>(chunk.size());
        for (OutboxStore.Row r : chunk) {
            steps.add(tracing.startReceived(MessageTracing.RELAY, metrics.group(), r.topic(), null, r.transactionId(), r.orderKey(),
                MessageDecoder.string2messageProperties(r.properties())));
        }
        return steps;
    }

    private void transientFailure(int partition, Exception failure) {
        metrics.outboxFailure(true);
        if (states[slice(partition)].failures == 0) {
            LOG.info("outbox relay could not publish partition {} ({}); it retries with backoff", partition, failure.toString());
        }
    }

    private Exception send(String topic, int partition, List<OutboxStore.Row> rows) throws InterruptedException {
        List<Message> messages = new ArrayList<>(rows.size());
        for (OutboxStore.Row r : rows) {
            Message m = new Message();
            m.setTopic(topic);
            m.setBody(r.body());
            MessageAccessor.setProperties(m, MessageDecoder.string2messageProperties(r.properties()));
            messages.add(m);
        }
        try {
            publisher.publish(topic, partition, messages);
            return null;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            return e;
        }
    }

    /**
     * Whether a failure may pass by itself: the broker or the network, not the message. A topic
     * without a route counts as the message's failure: the topic may never exist.
     */
    static boolean isTransient(Throwable failure) {
        if (failure instanceof MQClientException client && client.getResponseCode() == ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION) {
            return false;
        }
        if (TransientSendFailures.isTransient(failure)) {
            return true;
        }
        // The network anywhere in the chain (RocketMQ wraps a name server it cannot reach in an IllegalStateException).
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RemotingException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        StringBuilder s = new StringBuilder(failure.toString());
        for (Throwable c = failure.getCause(); c != null && c != failure; c = c.getCause()) {
            s.append("; caused by ").append(c);
            if (c.getCause() == c) {
                break;
            }
        }
        return s.toString();
    }

    /** Stops publishing, finishes the batches under way (a few seconds at most) and frees its partitions at once. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            store.leave(owner);
        } catch (SQLException | RuntimeException e) {
            LOG.debug("outbox relay {} could not free its leases ({}); they run out by themselves", owner, e.toString());
        }
        owned = Set.of();
    }

    /**
     * Stops at once without freeing its partitions, as a killed process would (for fault tests):
     * other relays take them over when the leases run out. A batch under way is abandoned.
     */
    public void kill() {
        closed = true;
        scheduler.shutdownNow();
        workers.shutdownNow();
        owned = Set.of();
    }

    /**
     * One worker's slice of the partitions (partition modulo workers): drained by one thread at a
     * time, with a flag for work that came meanwhile, and its backoff.
     */
    private static final class SliceState {
        final int slice;
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean dirty;
        volatile long notBefore;
        volatile int failures;

        SliceState(int slice) {
            this.slice = slice;
        }
    }
}
