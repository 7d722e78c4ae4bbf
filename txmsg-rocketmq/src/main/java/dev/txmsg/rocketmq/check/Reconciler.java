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
 * (RocketMQ 5.4's {@code transRocksDBEnable}), where the in-doubt watcher sees nothing.
 *
 * <p>Every {@code interval} it takes the log's committed rows that have just aged past the broker's
 * check window (plus a margin): by then the broker has either delivered the message or given it
 * up. For each it asks the brokers' message index whether the topic holds a message with the
 * transaction's id (one index query per broker of the topic's route). If none does, it looks the
 * half message up the same way in the broker's half topics (the commit log keeps it after its
 * check-backs ran out) and publishes it as a plain message with the transaction's id, which
 * consumers de-duplicate as usual. A committed row whose message is in neither place is counted
 * as {@code missing} and logged: nothing is left to publish. Rolled-back rows are never looked at.
 *
 * <p>On its first run it looks {@code catchUp} further back, for the rows that crossed the window
 * while this instance was not running. Every instance of a producer group does the same work: the
 * results agree, and a message published twice is de-duplicated by its consumers.
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
        /** Neither the topic nor a half topic holds it: nothing is left to publish (an alarm). */
        MISSING,
        /** A broker could not be asked, or the publication failed: looked at again in the next runs' catch-up only. */
        FAILED
    }

    private final String group;
    private final TransactionLog log;
    private final DefaultMQProducer producer;
    private final Republisher republisher;
    private final Duration minAge;
    private final Duration interval;
    private final Duration catchUp;
    private final int batchSize;
    private final Map<Result, java.util.concurrent.atomic.AtomicLong> counts = new EnumMap<>(Result.class);
    private ScheduledExecutorService scheduler;
    private boolean first = true;

    /**
     * @param group       the producer group, for the logs
     * @param log         the transaction log
     * @param producer    the started producer (its client asks the brokers' index; its namespace, if any, applies)
     * @param republisher publishes what it finds missing
     * @param checkWindow the broker's whole check window (transaction timeout + checks × interval)
     * @param interval    how often it runs, and the width of the band of rows each run looks at
     * @param catchUp     how much further back the first run looks
     * @param batchSize   rows read from the log at a time
     */
    public Reconciler(String group, TransactionLog log, DefaultMQProducer producer, Republisher republisher, Duration checkWindow,
                      Duration interval, Duration catchUp, int batchSize) {
        this.group = Objects.requireNonNull(group, "group");
        this.log = Objects.requireNonNull(log, "log");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.republisher = Objects.requireNonNull(republisher, "republisher");
        this.interval = requirePositive(interval, "interval");
        this.catchUp = Objects.requireNonNull(catchUp, "catchUp");
        if (catchUp.isNegative()) {
            throw new IllegalArgumentException("catchUp must not be negative, was " + catchUp);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, was " + batchSize);
        }
        this.batchSize = batchSize;
        // The margin: the broker's last check-back may come a check interval late, and its answer
        // needs a moment to land; a whole interval more is plenty.
        this.minAge = requirePositive(checkWindow, "checkWindow").plus(interval);
        for (Result r : Result.values()) {
            counts.put(r, new java.util.concurrent.atomic.AtomicLong());
        }
    }

    /** Runs every interval from now on, the first run at once. */
    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("reconcile-" + group));
        scheduler.scheduleWithFixedDelay(this::runQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
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
     * One run: the committed rows aged between the check window (plus a margin) and one interval
     * (with an overlap) beyond it, and on the first run {@code catchUp} more.
     *
     * @return what it found, per result
     */
    public synchronized Map<Result, Integer> runOnce() throws java.sql.SQLException {
        Duration width = interval.multipliedBy(2); // overlapping runs: a late run misses nothing
        if (first) {
            width = width.plus(catchUp);
        }
        Map<Result, Integer> found = new EnumMap<>(Result.class);
        String after = "";
        while (true) {
            List<LogEntry> rows = log.committed(minAge, minAge.plus(width), after, batchSize);
            for (LogEntry row : rows) {
                Result r = reconcile(row);
                found.merge(r, 1, Integer::sum);
                counts.get(r).incrementAndGet();
            }
            if (rows.size() < batchSize) {
                break;
            }
            after = rows.get(rows.size() - 1).transactionId();
        }
        first = false;
        if (found.containsKey(Result.REPUBLISHED) || found.containsKey(Result.MISSING) || found.containsKey(Result.FAILED)) {
            LOG.warn("reconciliation of group {}: {}", group, found);
        }
        return found;
    }

    /** Looks one committed row's message up, and publishes it from its half message if the topic lacks it. */
    Result reconcile(LogEntry row) {
        String txId = row.transactionId();
        MQAdminImpl admin = producer.getDefaultMQProducerImpl().getMqClientFactory().getMQAdminImpl();
        long begin = System.currentTimeMillis() - minAge.plus(interval.multipliedBy(2)).plus(catchUp).plusHours(1).toMillis();
        try {
            if (find(admin, producer.withNamespace(row.topic()), txId, begin) != null) {
                return Result.DELIVERED;
            }
            for (String halfTopic : HALF_TOPICS) {
                MessageExt half = findQuietly(admin, halfTopic, txId, begin);
                if (half != null) {
                    republisher.publish(txId, row.topic(), half.getTags(), WireFormat.keys(half), half.getBody(),
                        WireFormat.userProperties(half.getProperties()));
                    LOG.warn("transaction {} of group {} committed, but its message never reached {} (the broker gave its "
                        + "half message up): published from the half message", txId, group, row.topic());
                    return Result.REPUBLISHED;
                }
            }
            LOG.error("transaction {} of group {} committed, but its message is neither in {} nor in the brokers' half topics: "
                + "nothing is left to publish", txId, group, row.topic());
            return Result.MISSING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.FAILED;
        } catch (org.apache.rocketmq.client.exception.MQClientException | RuntimeException e) {
            LOG.warn("could not reconcile transaction {} of group {}: {}", txId, group, e.toString());
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

    /** The half message, or null if that half topic has no route (a broker without that mode) or no such message. */
    private static MessageExt findQuietly(MQAdminImpl admin, String halfTopic, String txId, long begin) throws InterruptedException {
        try {
            return find(admin, halfTopic, txId, begin);
        } catch (org.apache.rocketmq.client.exception.MQClientException e) {
            return null;
        }
    }

    private static Duration requirePositive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, was " + d);
        }
        return d;
    }

    /** Stops the runs. */
    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
