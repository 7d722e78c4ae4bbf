package dev.txmsg.rocketmq.consume;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.MixAll;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.NamespaceUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.ConsumerStore;
import dev.txmsg.rocketmq.log.InDoubtRow;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.Rows;
import dev.txmsg.rocketmq.send.HalfMessages;

/**
 * Settles half messages whose check-backs the broker exhausted: after {@code transactionCheckMax}
 * checks the broker moves them to {@code TRANS_CHECK_MAX_TIME_TOPIC}, which nobody consumes. This
 * watcher consumes it for one producer group and decides each of its messages from the
 * transaction log, as the check-back would have:
 * <ul>
 * <li>committed: published to its topic with its transaction id (consumers de-duplicate) — DELIVERED;</li>
 * <li>rolled back: DROPPED;</li>
 * <li>no row, younger than the log's retention: fenced (rolled back) — FENCED;</li>
 * <li>no row, older: IN_DOUBT, for an operator ({@link dev.txmsg.api.ops.Operations}).</li>
 * </ul>
 * Messages of other groups or other logs are left alone. A settle that fails (the database is
 * down) is retried with a capped backoff for as long as it takes — never dropped into a dead-letter
 * topic without a record — and counts as {@link #failing()} until it succeeds.
 */
public final class InDoubtWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InDoubtWatcher.class);

    /**
     * The highest delay level a failed settle waits for before its next attempt: RocketMQ's default
     * levels give 10 s, 30 s, 1 min, then 2 min between attempts, for as long as it takes.
     */
    static final int MAX_DELAY_LEVEL = 6;

    private final String nameServer;
    private final String namespace;
    private final String producerGroup;
    private final RPCHook rpcHook;
    private final TransactionLog log;
    private final ConsumerStore store;
    private final Republisher republisher;
    private final RetentionHorizon horizon;
    private final Duration probeInterval;
    private final Map<String, Instant> failing = new ConcurrentHashMap<>();
    private final AtomicLong failures = new AtomicLong();
    private DefaultMQPushConsumer consumer;
    private ScheduledExecutorService probe;

    /**
     * @param nameServer    the name server
     * @param namespace     the RocketMQ namespace, or {@code null}
     * @param producerGroup the producer group whose exhausted messages to settle, as its producer is
     *                      registered (with its namespace, if any)
     * @param rpcHook       ACL hook, or {@code null}
     * @param log           the group's transaction log
     * @param store         where settled messages are recorded
     * @param republisher   publishes committed messages
     * @param horizon       where the log's retention begins
     * @param probeInterval how often to ask the name server whether {@code TRANS_CHECK_MAX_TIME_TOPIC} exists yet
     */
    public InDoubtWatcher(String nameServer, String namespace, String producerGroup, RPCHook rpcHook, TransactionLog log,
                          ConsumerStore store, Republisher republisher, RetentionHorizon horizon, Duration probeInterval) {
        this.nameServer = Objects.requireNonNull(nameServer, "nameServer");
        this.namespace = namespace == null || namespace.isBlank() ? null : namespace;
        this.producerGroup = Objects.requireNonNull(producerGroup, "producerGroup");
        this.rpcHook = rpcHook;
        this.log = Objects.requireNonNull(log, "log");
        this.store = Objects.requireNonNull(store, "store");
        this.republisher = Objects.requireNonNull(republisher, "republisher");
        this.horizon = Objects.requireNonNull(horizon, "horizon");
        this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval");
    }

    /** The consumer group the watcher uses: {@code txmsg-in-doubt-<producer group>} (in the namespace, if any). */
    public String consumerGroup() {
        return "txmsg-in-doubt-" + NamespaceUtil.withoutNamespace(producerGroup, namespace);
    }

    /** Exhausted messages whose settlement failed and has not succeeded since (the database was down, say): an alarm while above 0. */
    public int failing() {
        return failing.size();
    }

    /** Since when the oldest of the {@link #failing()} messages has been failing, if any. */
    public Optional<Instant> failingSince() {
        return failing.values().stream().min(Instant::compareTo);
    }

    /** Settle attempts that failed, in all. */
    public long failures() {
        return failures.get();
    }

    /**
     * Starts watching. The broker creates {@code TRANS_CHECK_MAX_TIME_TOPIC} only when it first gives up
     * on a message; until then the watcher asks the name server for it every probe interval, quietly,
     * rather than subscribe to a topic that does not exist (the client would warn every few seconds).
     */
    public synchronized InDoubtWatcher start() {
        if (consumer != null || probe != null) {
            return this;
        }
        probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txmsg-in-doubt-" + producerGroup);
            t.setDaemon(true);
            return t;
        });
        probe.scheduleWithFixedDelay(this::subscribeOnceTheTopicExists, 0, probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void subscribeOnceTheTopicExists() {
        try {
            if (topicExists()) {
                subscribe();
                probe.shutdown();
            }
        } catch (RuntimeException e) {
            LOG.debug("in-doubt watcher of group {} could not start yet ({}); trying again", producerGroup, e.toString());
        }
    }

    private boolean topicExists() {
        try {
            republisher.mqClientAPI().getTopicRouteInfoFromNameServer(TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, 3000, false);
            return true;
        } catch (MQClientException e) {
            return false; // not created yet: the broker has given up on no message so far
        } catch (Exception e) {
            LOG.debug("could not ask the name server for {}: {}", TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, e.toString());
            return false;
        }
    }

    private synchronized void subscribe() {
        if (consumer != null) {
            return;
        }
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(consumerGroup(), rpcHook, new AllocateMessageQueueAveragely());
        c.setNamesrvAddr(nameServer);
        if (namespace != null) {
            c.setNamespace(namespace);
        }
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeMessageBatchMaxSize(1);
        c.setConsumeThreadMin(1);
        c.setConsumeThreadMax(2);
        c.setPollNameServerInterval(10_000);
        // RocketMQ's default of 16 redeliveries would end in the watcher's %DLQ%, where nobody looks
        // and txmsg_in_doubt has no row: a settle that keeps failing is retried for as long as it takes.
        Redelivery.unlimited(c);
        if (rpcHook != null) {
            c.setVipChannelEnabled(false);
        }
        try {
            c.subscribe(TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, "*");
            c.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    if (settle(m).isEmpty()) {
                        Redelivery.later(context, m, MAX_DELAY_LEVEL);
                        return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                    }
                }
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
            });
            c.start();
        } catch (MQClientException e) {
            throw new IllegalStateException("the in-doubt watcher of group " + producerGroup + " did not start: " + e.getMessage(), e);
        }
        consumer = c;
        LOG.info("in-doubt watcher of group {} subscribed to {}", producerGroup, TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC);
    }

    /**
     * Decides one exhausted half message.
     *
     * @return what was done ({@link Settled#IGNORED} for another group's or log's message), or
     *         empty to retry later after a database or broker error
     */
    Optional<Settled> settle(MessageExt m) {
        if (!producerGroup.equals(m.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP))
            || !log.identity().equals(m.getProperty(HalfMessages.LOG_IDENTITY_PROPERTY))) {
            return Optional.of(Settled.IGNORED);
        }
        String txId = m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        Optional<Settled> settled = decide(m, txId, topic(m));
        if (settled.isEmpty()) {
            failures.incrementAndGet();
            failing.putIfAbsent(txId, Instant.now());
        } else {
            failing.remove(txId);
        }
        return settled;
    }

    /**
     * The topic the application sent to, as txmsg recorded it on the message. RocketMQ's
     * {@code REAL_TOPIC} is no guide: on a redelivery it names the watcher's own retry topic. Only
     * a message of an older txmsg, which did not record it, falls back to a {@code REAL_TOPIC} that
     * is not a retry or system topic.
     */
    private String topic(MessageExt m) {
        String recorded = m.getProperty(HalfMessages.TOPIC_PROPERTY);
        if (recorded != null) {
            return recorded;
        }
        String real = m.getProperty(MessageConst.PROPERTY_REAL_TOPIC);
        if (real == null || real.startsWith(MixAll.RETRY_GROUP_TOPIC_PREFIX) || real.startsWith(MixAll.DLQ_GROUP_TOPIC_PREFIX)
            || TopicValidator.isSystemTopic(real) || m.getReconsumeTimes() > 0) {
            return null;
        }
        return NamespaceUtil.withoutNamespace(real, namespace);
    }

    private Optional<Settled> decide(MessageExt m, String txId, String topic) {
        try {
            Optional<TransactionState> state = log.find(txId);
            Instant born = Instant.ofEpochMilli(m.getBornTimestamp());
            if (state.isEmpty()) {
                if (horizon.isBeyond(born)) {
                    record(m, txId, topic, InDoubtTransaction.Status.IN_DOUBT, "no log row and older than the retention ("
                        + horizon + "): the row may have been purged, so nothing can be decided");
                    LOG.error("transaction {} (topic {}) exhausted its check-backs and cannot be decided: no log row, and it is older "
                        + "than the retention. Recorded IN_DOUBT for an operator.", txId, topic);
                    return Optional.of(Settled.IN_DOUBT);
                }
                if (log.fence(txId, topic == null ? "?" : topic)) {
                    record(m, txId, topic, InDoubtTransaction.Status.FENCED, "no log row: fenced and dropped");
                    return Optional.of(Settled.FENCED);
                }
                state = log.find(txId);
                if (state.isEmpty()) {
                    return Optional.empty();
                }
            }
            if (state.get() == TransactionState.COMMITTED) {
                if (topic == null) {
                    record(m, txId, null, InDoubtTransaction.Status.IN_DOUBT, "committed in the log, but the message does not say "
                        + "which topic it was sent to (sent by an older txmsg and redelivered): replay it after checking the topic");
                    LOG.error("transaction {} exhausted its check-backs, committed, but its topic is unknown; recorded IN_DOUBT", txId);
                    return Optional.of(Settled.IN_DOUBT);
                }
                republisher.publish(txId, topic, m.getTags(), keys(m), m.getBody(), Received.userProperties(m.getProperties()));
                record(m, txId, topic, InDoubtTransaction.Status.DELIVERED, "committed in the log: delivered");
                LOG.warn("transaction {} (topic {}) exhausted its check-backs although its log says COMMITTED; delivered it", txId, topic);
                return Optional.of(Settled.DELIVERED);
            }
            record(m, txId, topic, InDoubtTransaction.Status.DROPPED, "rolled back in the log: dropped");
            return Optional.of(Settled.DROPPED);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not settle exhausted transaction {} (attempt {}: {}); it is tried again after a backoff, for as long as "
                + "it takes", txId, m.getReconsumeTimes() + 1, e.toString());
            return Optional.empty();
        }
    }

    private void record(MessageExt m, String txId, String topic, InDoubtTransaction.Status status, String resolution)
        throws SQLException {
        InDoubtRow r = new InDoubtRow();
        r.txId = txId;
        r.producerGroup = NamespaceUtil.withoutNamespace(producerGroup, namespace);
        r.topic = topic == null ? "?" : topic;
        r.tag = Rows.tag(m.getTags());
        r.messageKeys = Rows.keys(keys(m));
        r.body = m.getBody();
        r.properties = Rows.properties(Received.userProperties(m.getProperties()));
        r.bornAt = Instant.ofEpochMilli(m.getBornTimestamp());
        r.status = status.name();
        r.resolution = resolution;
        store.recordInDoubt(r);
    }

    private static List<String> keys(MessageExt m) {
        return m.getKeys() == null || m.getKeys().isBlank() ? List.of() : List.of(m.getKeys().trim().split(" +"));
    }

    /** Stops the watcher. */
    @Override
    public synchronized void close() {
        if (probe != null) {
            probe.shutdownNow();
            probe = null;
        }
        if (consumer != null) {
            consumer.shutdown();
            consumer = null;
        }
    }

    /** What the watcher did with a message. */
    enum Settled {
        /** Another group's or another log's message. */
        IGNORED,
        /** Published. */
        DELIVERED,
        /** Rolled back in the log. */
        DROPPED,
        /** Fenced. */
        FENCED,
        /** Left for an operator. */
        IN_DOUBT
    }
}
