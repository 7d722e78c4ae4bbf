package dev.txmsg.rocketmq.consume;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.rebalance.AllocateMessageQueueAveragely;
import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.topic.TopicValidator;
import org.apache.rocketmq.remoting.RPCHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.ConsumerStore;
import dev.txmsg.rocketmq.log.InDoubtRow;
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
 * Messages of other groups or other logs are left alone. A database error redelivers the message later.
 */
public final class InDoubtWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InDoubtWatcher.class);

    private final String nameServer;
    private final String producerGroup;
    private final RPCHook rpcHook;
    private final TransactionLog log;
    private final ConsumerStore store;
    private final Republisher republisher;
    private final Duration retention;
    private final Clock clock;
    private final Duration probeInterval;
    private DefaultMQPushConsumer consumer;
    private ScheduledExecutorService probe;

    /**
     * @param nameServer    the name server
     * @param producerGroup the producer group whose exhausted messages to settle
     * @param rpcHook       ACL hook, or {@code null}
     * @param log           the group's transaction log
     * @param store         where settled messages are recorded
     * @param republisher   publishes committed messages
     * @param retention     the log's retention, or {@code null} if rows are kept forever
     * @param clock         to age messages against the retention
     */
    public InDoubtWatcher(String nameServer, String producerGroup, RPCHook rpcHook, TransactionLog log, ConsumerStore store,
                          Republisher republisher, Duration retention, Clock clock) {
        this(nameServer, producerGroup, rpcHook, log, store, republisher, retention, clock, Duration.ofSeconds(30));
    }

    /**
     * As above, asking the name server for {@code TRANS_CHECK_MAX_TIME_TOPIC} every {@code probeInterval}
     * until it exists (default 30 s).
     */
    public InDoubtWatcher(String nameServer, String producerGroup, RPCHook rpcHook, TransactionLog log, ConsumerStore store,
                          Republisher republisher, Duration retention, Clock clock, Duration probeInterval) {
        this.nameServer = Objects.requireNonNull(nameServer, "nameServer");
        this.producerGroup = Objects.requireNonNull(producerGroup, "producerGroup");
        this.rpcHook = rpcHook;
        this.log = Objects.requireNonNull(log, "log");
        this.store = Objects.requireNonNull(store, "store");
        this.republisher = Objects.requireNonNull(republisher, "republisher");
        this.retention = retention;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval");
    }

    /** The consumer group the watcher uses: {@code txmsg-in-doubt-<producer group>}. */
    public String consumerGroup() {
        return "txmsg-in-doubt-" + producerGroup;
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
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeMessageBatchMaxSize(1);
        c.setConsumeThreadMin(1);
        c.setConsumeThreadMax(2);
        c.setPollNameServerInterval(10_000);
        if (rpcHook != null) {
            c.setVipChannelEnabled(false);
        }
        try {
            c.subscribe(TopicValidator.RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, "*");
            c.registerMessageListener((MessageListenerConcurrently) (messages, context) -> {
                for (MessageExt m : messages) {
                    if (settle(m).isEmpty()) {
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
        String topic = m.getProperty(MessageConst.PROPERTY_REAL_TOPIC);
        try {
            Optional<TransactionState> state = log.find(txId);
            Instant born = Instant.ofEpochMilli(m.getBornTimestamp());
            if (state.isEmpty()) {
                if (retention != null && born.isBefore(Instant.now(clock).minus(retention))) {
                    record(m, txId, topic, InDoubtTransaction.Status.IN_DOUBT, "no log row and older than the retention ("
                        + retention + "): the row may have been purged, so nothing can be decided");
                    LOG.error("transaction {} (topic {}) exhausted its check-backs and cannot be decided: no log row, and it is older "
                        + "than the retention. Recorded IN_DOUBT for an operator.", txId, topic);
                    return Optional.of(Settled.IN_DOUBT);
                }
                if (log.fence(txId, topic)) {
                    record(m, txId, topic, InDoubtTransaction.Status.FENCED, "no log row: fenced and dropped");
                    return Optional.of(Settled.FENCED);
                }
                state = log.find(txId);
                if (state.isEmpty()) {
                    return Optional.empty();
                }
            }
            if (state.get() == TransactionState.COMMITTED) {
                republisher.publish(txId, topic, m.getTags(), keys(m), m.getBody(), Received.userProperties(m.getProperties()));
                record(m, txId, topic, InDoubtTransaction.Status.DELIVERED, "committed in the log: delivered");
                LOG.warn("transaction {} (topic {}) exhausted its check-backs although its log says COMMITTED; delivered it", txId, topic);
                return Optional.of(Settled.DELIVERED);
            }
            record(m, txId, topic, InDoubtTransaction.Status.DROPPED, "rolled back in the log: dropped");
            return Optional.of(Settled.DROPPED);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not settle exhausted transaction {} ({}); retried later", txId, e.toString());
            return Optional.empty();
        }
    }

    private void record(MessageExt m, String txId, String topic, InDoubtTransaction.Status status, String resolution)
        throws SQLException {
        InDoubtRow r = new InDoubtRow();
        r.txId = txId;
        r.producerGroup = producerGroup;
        r.topic = topic;
        r.tag = m.getTags();
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
