package dev.txmsg.rocketmq.check;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.impl.MQAdminImpl;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.spi.LogEntry;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.wire.WireFormat;

/**
 * Finds committed transactions whose message never reached its topic, and publishes them: the
 * safety net for a broker that <em>deletes</em> the half messages whose check-backs it exhausted
 * (RocketMQ 5.4's RocksDB transaction mode), where the in-doubt watcher sees nothing.
 *
 * <p>Every {@code interval} it takes the log's committed rows that have aged past the broker's
 * check window plus a margin (by then the broker has either delivered the message or given it up)
 * since the run before: the band it reads reaches back over the time since that run began, plus
 * an interval. For each row it asks the brokers' message index whether the topic holds a message
 * with the transaction's id (one index query per broker of the topic's route). If none does, it
 * looks the half message up the same way in the brokers' half topics (the commit log keeps it after
 * its check-backs ran out), asks the same decision as a check-back would (the log, through the
 * {@code CheckListenerDecorator}s), and if that says COMMITTED publishes it as a plain message with
 * the transaction's id, which consumers de-duplicate as usual.
 *
 * <p>A row whose message it could not find anywhere, or whose lookup failed, is looked at again at
 * every run for {@code catchUp}: RocketMQ's client reports a broker it could not reach as one that
 * has no such message, so "nothing found" may be a network partition that ends. Only then does it
 * count as {@code missing}, an alarm. On its first run it also looks {@code catchUp} further back,
 * for the rows that crossed the window while this instance was not running.
 *
 * <p>Every instance of a producer group does the same work: the results agree, and a message
 * published by two instances is de-duplicated by its consumers. Limits: a transaction that stays
 * open longer than the check window is seen only by a first run's catch-up (its row is dated when
 * it was written, not when it committed); the ages are taken by the database's clock, so a server
 * in a time zone with daylight saving can miss the rows of the hour it skips.
 */
public final class Reconciler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** The half topics: RocketMQ's queue-based one and the RocksDB mode's. */
    private static final List<String> HALF_TOPICS = List.of(TopicValidator.RMQ_SYS_ROCKSDB_TRANS_HALF_TOPIC,
        TopicValidator.RMQ_SYS_TRANS_HALF_TOPIC);

    /** What the reconciliation found for a committed row. */
    public enum Result {
        /** The topic holds the message. */
        DELIVERED,
        /** The topic did not; the half message was found and published. */
        REPUBLISHED,
        /** Neither the topic nor a half topic held it for {@code catchUp}: nothing is left to publish (an alarm). */
        MISSING,
        /** The half message was found, but the decision (the log through the decorators) is not COMMITTED: not published. */
        NOT_COMMITTED,
        /** Not found yet, or a broker could not be asked, or the publication failed: looked at again at the next run. */
        FAILED
    }

    private final String group;
    private final TransactionLog log;
    private final DefaultMQProducer producer;
    private final Republisher republisher;
    private final ConfiguredDecider decider;
    private final Duration minAge;
    private final Duration interval;
    private final Duration catchUp;
    private final int batchSize;
    private final Map<Result, java.util.concurrent.atomic.AtomicLong> counts = new EnumMap<>(Result.class);
    /** Rows not settled yet (not found, or a failed lookup), with when they were first looked at. */
    private final Map<String, Pending> pending = new java.util.LinkedHashMap<>();
    private final Object lifecycle = new Object();
    private ScheduledExecutorService scheduler;
    private volatile boolean stopped;
    private boolean first = true;
    private long lastRunStart;

    private record Pending(LogEntry row, long since) {
    }

    /**
     * @param group       the producer group, for the logs
     * @param log         the transaction log
     * @param producer    the started producer (its client asks the brokers' index; its namespace, if any, applies)
     * @param republisher publishes what it finds missing
     * @param decider     decides a half message as a check-back would, before it is published
     * @param checkWindow how long the broker may take to give a half message up: its transaction timeout
     *                    + (checks + 1) × its check interval (RocksDB mode deletes after one more round)
     * @param interval    how often it runs (each run's band reaches back over the time since the last run began, plus two intervals)
     * @param catchUp     how much further back the first run looks
     * @param batchSize   rows read from the log at a time
     */
    public Reconciler(String group, TransactionLog log, DefaultMQProducer producer, Republisher republisher, ConfiguredDecider decider,
                      Duration checkWindow, Duration interval, Duration catchUp, int batchSize) {
        this.group = Objects.requireNonNull(group, "group");
        this.log = Objects.requireNonNull(log, "log");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.republisher = Objects.requireNonNull(republisher, "republisher");
        this.decider = Objects.requireNonNull(decider, "decider");
        this.interval = requirePositive(interval, "interval");
        if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("interval must be at least 1s (the log's ages are whole seconds), was " + interval);
        }
        this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
        if (catchUp.isNegative()) {
            throw new IllegalArgumentException("catchUp must not be negative, was " + catchUp);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.batchSize = batchSize;
        // The margin: one reconcile interval beyond the broker's window, for its last round to land.
        this.minAge = requirePositive(checkWindow, "checkWindow").plus(interval);
        for (Result r : Result.values()) {
            counts.put(r, new java.util.concurrent.atomic.AtomicLong());
        }
    }

    /** Runs every interval from now on, the first run at once. */
    public void start() {
        synchronized (lifecycle) {
            if (scheduler != null) {
                return;
            }
            stopped = false;
            scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reconcile-" + group));
            scheduler.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** How many rows ended with {@code result} since this instance started. */
    public long count(Result result) {
        return counts.get(result).get();
    }

    private void runQuietly() {
        try {
            runOnce();
        } catch (RuntimeException | java.sql.SQLException e) {
            LOG.warn("the reconciliation of group {} could not read the transaction log ({}); it runs again in {}", group, e.toString(),
                interval);
        }
    }

    /**
     * One run: the committed rows aged between the check window (plus a margin) and the time since
     * the previous run began plus an interval beyond it (on the first run, {@code catchUp} more),
     * then the rows left pending by earlier runs.
     *
     * @return what it found, per result
     */
    public synchronized Map<Result, Integer> runOnce() throws java.sql.SQLException {
        long start = System.nanoTime();
        Duration width = first ? interval.multipliedBy(2).plus(catchUp)
            : Duration.ofNanos(start - lastRunStart).plus(interval.multipliedBy(2)); // overlapping: a late run misses nothing
        Map<Result, Integer> found = new EnumMap<>(Result.class);
        String after = "";
        while (!stopped) {
            List<LogEntry> rows = log.committed(minAge, minAge.plus(width), after, batchSize);
            for (LogEntry row : rows) {
                if (stopped) {
                    break;
                }
                if (!pending.containsKey(row.transactionId())) {
                    settle(row, start, found);
                }
            }
            if (rows.size() < batchSize) {
                break;
            }
            after = rows.get(rows.size() - 1).transactionId();
        }
        for (Pending p : List.copyOf(pending.values())) {
            if (stopped) {
                break;
            }
            if (p.since() != start) { // not the rows this run has just looked at
                settle(p.row(), p.since(), found);
            }
        }
        first = false;
        lastRunStart = start;
        if (found.keySet().stream().anyMatch(r -> r != Result.DELIVERED)) {
            LOG.warn("reconciliation of group {}: {}", group, found);
        }
        return found;
    }

    /** Reconciles a row, keeping it pending while it is neither found nor given up. */
    private void settle(LogEntry row, long since, Map<Result, Integer> found) {
        Result r = reconcile(row);
        String txId = row.transactionId();
        if (r == Result.FAILED) {
            if (System.nanoTime() - since >= catchUp.toNanos()) {
                pending.remove(txId);
                r = Result.MISSING;
                LOG.error("transaction {} of group {} committed, but its message was found neither in {} nor in the brokers' half "
                    + "topics for {}: nothing is left to publish (or no broker could be asked all that time)", txId, group, row.topic(),
                    catchUp);
            } else {
                pending.putIfAbsent(txId, new Pending(row, since));
            }
        } else {
            pending.remove(txId);
        }
        found.merge(r, 1, Integer::sum);
        counts.get(r).incrementAndGet();
    }

    /** Looks one committed row's message up, and publishes it from its half message if the topic lacks it. */
    Result reconcile(LogEntry row) {
        String txId = row.transactionId();
        MQAdminImpl admin = producer.getDefaultMQProducerImpl().getMqClientFactory().getMQAdminImpl();
        long begin = System.currentTimeMillis() - minAge.plus(interval.multipliedBy(2)).plus(catchUp.multipliedBy(2)).plusHours(1).toMillis();
        try {
            if (find(admin, producer.withNamespace(row.topic()), txId, begin) != null) {
                return Result.DELIVERED;
            }
            for (String halfTopic : HALF_TOPICS) {
                MessageExt half = find(admin, halfTopic, txId, begin);
                if (half == null) {
                    continue;
                }
                // Decided as a check-back would be: the log, through the decorators.
                Decision decision = decider.decide(WireFormat.checkRequest(half, row.topic(), producer.getProducerGroup()));
                if (decision.state() != dev.txmsg.api.TransactionState.COMMITTED) {
                    LOG.warn("transaction {} of group {} is COMMITTED in the log but decided {} ({}): not published", txId, group,
                        decision.state(), decision.basis());
                    return Result.NOT_COMMITTED;
                }
                republisher.publish(txId, row.topic(), half.getTags(), WireFormat.keys(half), half.getBody(),
                    WireFormat.userProperties(half.getProperties()));
                LOG.warn("transaction {} of group {} committed, but its message never reached {} (the broker gave its half message "
                    + "up): published from the half message", txId, group, row.topic());
                return Result.REPUBLISHED;
            }
            return Result.FAILED; // not found (yet): asked again at the next run
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.FAILED;
        } catch (org.apache.rocketmq.client.exception.MQClientException | RuntimeException e) {
            LOG.warn("could not reconcile transaction {} of group {} (asked again at the next run): {}", txId, group, e.toString());
            return Result.FAILED;
        }
    }

    /** The message with that id in {@code topic}, or null if the brokers' index has none. */
    private static MessageExt find(MQAdminImpl admin, String topic, String txId, long begin)
        throws InterruptedException, org.apache.rocketmq.client.exception.MQClientException {
        try {
            MessageExt m = admin.queryMessageByUniqKey(topic, txId, begin, Long.MAX_VALUE);
            return m != null && txId.equals(m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)) ? m : null;
        } catch (org.apache.rocketmq.client.exception.MQClientException e) {
            if (e.getResponseCode() == ResponseCode.NO_MESSAGE) {
                return null; // "query message by key finished, but no message"
            }
            throw e;
        }
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    /** Stops the runs; a run under way stops after the row it is on. */
    @Override
    public void close() {
        stopped = true;
        synchronized (lifecycle) {
            if (scheduler != null) {
                scheduler.shutdownNow();
                scheduler = null;
            }
        }
    }
}
