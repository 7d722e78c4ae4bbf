package dev.txmsg.rocketmq;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.TransactionMQProducer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.spi.CheckListenerDecorator;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.check.CheckBackHandler;
import dev.txmsg.rocketmq.check.CheckBackPool;
import dev.txmsg.rocketmq.check.ConfiguredDecider;
import dev.txmsg.rocketmq.check.InDoubtWatcher;
import dev.txmsg.rocketmq.check.Republisher;
import dev.txmsg.rocketmq.check.TransactionDecider;
import dev.txmsg.rocketmq.client.ClientOptions;
import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.outbox.OutboxFlow;
import dev.txmsg.rocketmq.outbox.OutboxOptions;
import dev.txmsg.rocketmq.outbox.OutboxPublisher;
import dev.txmsg.rocketmq.outbox.OutboxRelay;
import dev.txmsg.rocketmq.outbox.OutboxStore;
import dev.txmsg.rocketmq.outbox.ProducerPublisher;
import dev.txmsg.rocketmq.send.DeclaredTopics;
import dev.txmsg.rocketmq.send.HalfMessageSender;
import dev.txmsg.rocketmq.send.ProducerHalfMessageSender;
import dev.txmsg.rocketmq.send.ResilientHalfMessageSender;
import dev.txmsg.rocketmq.send.SendFlow;
import dev.txmsg.rocketmq.send.SendPath;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.rocketmq.send.TransactionEnds;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.tx.JdbcLocalTransactions;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.HalfMessages;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;

/**
 * txmsg on RocketMQ, assembled in one place: the producer, the {@link TransactionalSender} in its
 * {@link Mode}, the check-back handling (decided from the transaction log, fenced, decorated as the
 * application asks), the in-doubt watcher and the republisher that settle half messages whose
 * check-backs the broker exhausted, and the outbox relay.
 *
 * <p>In outbox mode ({@link Builder#mode(Mode)}) the producer still belongs to the producer group
 * and answers check-backs from the transaction log: half messages sent before a switch from
 * half-message mode settle as before. In half-message mode a relay runs too, if the outbox's
 * tables exist, and publishes what an outbox-mode instance left after a switch the other way.
 *
 * <pre>{@code
 * RocketMqTxMsg txmsg = RocketMqTxMsg.builder(ClientOptions.of("127.0.0.1:9876"), "order-service")
 *     .dataSource(dataSource)
 *     .options(SenderOptions.defaults().withTopics(List.of("ORDER_EVENTS")))
 *     .build();
 * TransactionalSender sender = txmsg.sender();
 * }</pre>
 *
 * <p>The Spring Boot starter builds it from {@code rocketmq.*} and {@code txmsg.*} properties.
 * {@link #close()} stops everything; check-backs then go to the group's other producers.
 */
public final class RocketMqTxMsg implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RocketMqTxMsg.class);
    /** How often the producer polls its routes and heartbeats to every broker (RocketMQ: 30 s each); see startProducer. */
    private static final int HEARTBEAT_MILLIS = 5_000;
    /** How long a broker that failed a send is left out of the producer's picks; see startProducer. */
    private static final long ISOLATION_MILLIS = 10_000;

    private final TransactionMQProducer producer;
    private final RocketMqTransactionalSender sender;
    private final Republisher republisher;
    private final InDoubtWatcher watcher;
    private final TxMsgMetrics metrics;
    private final CircuitBreaker circuitBreaker;
    private final Retry retry;
    private final dev.txmsg.rocketmq.check.Reconciler reconciler;
    private final ScheduledExecutorService retryScheduler;
    private final Mode mode;
    private final OutboxStore outboxStore;
    private final OutboxRelay relay;
    private final TransactionLog transactionLog;
    private final List<String> topics;

    private RocketMqTxMsg(Builder b) {
        TransactionLog log = b.log != null ? b.log : MyBatisTransactionLog.builder(b.dataSource).build();
        this.transactionLog = log;
        this.topics = List.copyOf(b.options.topics());
        this.metrics = b.metrics != null ? b.metrics : TxMsgMetrics.standalone(b.group);
        LocalTransactions transactions = b.transactions != null ? b.transactions : new JdbcLocalTransactions(b.dataSource);
        PayloadConverter converter = b.converter != null ? b.converter : new JacksonPayloadConverter(new ObjectMapper());
        SenderOptions options = b.options;

        RetentionHorizon horizon = options.retention() == null ? RetentionHorizon.none()
            : RetentionHorizon.of(options.retention(), options.clockSkew(), b.clock);
        RunningTransactions running = new RunningTransactions();
        ConfiguredDecider decider = new ConfiguredDecider(new TransactionDecider(log, horizon, running), b.decorators);

        this.producer = startProducer(b, options, decider, metrics);
        this.republisher = new Republisher(producer);
        // The started producer's group carries its namespace, if any: the broker checks the end against it.
        HalfMessages halfMessages = new HalfMessages(producer.getProducerGroup(), log.identity(), producer.getMaxMessageSize(), converter);
        HalfMessageSender halfSender = new ProducerHalfMessageSender(producer, options.sendTimeout(), options.overlapHalfSend());
        if (b.circuitBreaker != null || b.retry != null) {
            this.retryScheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("retry-" + b.group));
            halfSender = new ResilientHalfMessageSender(halfSender, b.circuitBreaker, b.retry, retryScheduler);
        } else {
            this.retryScheduler = null;
        }
        this.circuitBreaker = b.circuitBreaker;
        this.retry = b.retry;
        if (b.circuitBreaker != null) {
            metrics.circuitBreaker(b.circuitBreaker);
        }
        this.mode = b.mode;
        this.outboxStore = outboxStore(b);
        if (outboxStore != null) {
            OutboxPublisher publisher = b.publisherDecorator.apply(new ProducerPublisher(producer, options.sendTimeout()));
            this.relay = new OutboxRelay(b.group, outboxStore, publisher, b.outboxOptions, metrics);
        } else {
            this.relay = null;
        }
        SendPath path = mode == Mode.OUTBOX
            ? new OutboxFlow(halfMessages, outboxStore, transactions, metrics, options.maxMessages(), b.outboxOptions.partitions(), relay)
            : new SendFlow(TransactionEnds.of(producer), halfSender, halfMessages, log, transactions, metrics, running, options.maxMessages());
        this.sender = new RocketMqTransactionalSender(b.group, path);
        this.watcher = b.inDoubtStore == null ? null : new InDoubtWatcher(b.client, producer.getProducerGroup(), decider,
            b.inDoubtStore, republisher, options.inDoubtProbeInterval(), metrics.tracing());
        if (watcher != null) {
            metrics.inDoubtWatcher(watcher::failing, watcher::failures);
        }
        if (b.reconciliation != null && mode == Mode.HALF_MESSAGE) { // an outbox writes no log rows to verify
            Reconciliation r = b.reconciliation;
            this.reconciler = new dev.txmsg.rocketmq.check.Reconciler(b.group, log, producer, republisher, decider, r.checkWindow(),
                r.interval(), r.catchUp(), r.batchSize());
            java.util.Map<String, java.util.function.LongSupplier> counts = new java.util.LinkedHashMap<>();
            for (dev.txmsg.rocketmq.check.Reconciler.Result result : dev.txmsg.rocketmq.check.Reconciler.Result.values()) {
                counts.put(result.name().toLowerCase(java.util.Locale.ROOT), () -> reconciler.count(result));
            }
            metrics.reconciler(counts);
        } else {
            this.reconciler = null;
        }
    }

    /**
     * The reconciliation's settings ({@link Builder#reconciliation}).
     *
     * @param checkWindow how long the broker may take to give a half message up: transaction timeout + (checks + 1) × check interval
     * @param interval    how often it runs
     * @param catchUp     how much further back its first run looks
     * @param batchSize   log rows read at a time
     */
    public record Reconciliation(Duration checkWindow, Duration interval, Duration catchUp, int batchSize) {
    }

    /** The reconciliation, if the builder asked for one. Not started until {@link #startReconciler()}. */
    public Optional<dev.txmsg.rocketmq.check.Reconciler> reconciler() {
        return Optional.ofNullable(reconciler);
    }

    /** Starts the reconciliation, if there is one. */
    public RocketMqTxMsg startReconciler() {
        if (reconciler != null) {
            reconciler.start();
        }
        return this;
    }

    /**
     * The outbox: in outbox mode, always; in half-message mode, if the relay should publish what an
     * outbox-mode instance left and the outbox's tables exist.
     */
    private static OutboxStore outboxStore(Builder b) {
        if (b.outboxStore != null) {
            return b.outboxStore;
        }
        if (b.mode == Mode.OUTBOX) {
            return new OutboxStore(b.dataSource, b.group, b.outboxSchema);
        }
        if (!b.outboxOptions.drainInHalfMode() || b.dataSource == null) {
            return null;
        }
        try {
            return new OutboxStore(b.dataSource, b.group, b.outboxSchema);
        } catch (IllegalStateException e) {
            LOG.debug("no outbox tables, no relay in half-message mode: {}", e.getMessage());
            return null;
        }
    }

    private static TransactionMQProducer startProducer(Builder b, SenderOptions options, ConfiguredDecider decider,
                                                       TxMsgMetrics metrics) {
        TransactionMQProducer producer = new TransactionMQProducer(b.group, b.client.rpcHook());
        b.client.applyTo(producer);
        producer.setSendMsgTimeout((int) options.sendTimeout().toMillis());
        producer.setTransactionListener(new CheckBackHandler(decider, b.group, metrics));
        producer.setExecutorService(CheckBackPool.create(b.group, options.checkThreads(), options.checkQueueCapacity(), metrics));
        // In a cluster, a broker that fails a send is left out of the next picks for 10 s, so that
        // txmsg's retry of a transient failure goes to another broker group and one dead broker does
        // not fail the sends (nor open the circuit) while the others are up. Only failures count: by
        // RocketMQ's default a success slower than 550 ms left a broker out too, and with both groups
        // left out the picks fell back to plain round robin, dead broker included.
        producer.setSendLatencyFaultEnable(true);
        producer.setLatencyMax(new long[] {ISOLATION_MILLIS});
        producer.setNotAvailableDuration(new long[] {ISOLATION_MILLIS});
        // A broker that restarts knows no producer of the group until it is back in the producer's
        // route (polled from the name server) and the producer's next heartbeat, and a check-back
        // that finds no producer still counts against transactionCheckMax: with RocketMQ's 30 s each,
        // a broker checking every second gave up its half messages before hearing from us.
        producer.setPollNameServerInterval(HEARTBEAT_MILLIS);
        producer.setHeartbeatBrokerInterval(HEARTBEAT_MILLIS);
        b.producerCustomizer.accept(producer);
        // Half messages are retried by txmsg, and only when the broker surely did not take them:
        // applied after the customizer, whatever it (or rocketmq.producer.retry-times-*) says.
        producer.setRetryTimesWhenSendFailed(0);
        producer.setRetryTimesWhenSendAsyncFailed(0);
        try {
            producer.start(); // from here on its group carries its namespace, if any
        } catch (MQClientException e) {
            throw new IllegalStateException("the RocketMQ producer of group " + b.group + " did not start: " + e.getMessage(), e);
        }
        return producer;
    }

    /** The circuit breaker that fails sends fast while the broker is down, if resilience is on. */
    public Optional<CircuitBreaker> circuitBreaker() {
        return Optional.ofNullable(circuitBreaker);
    }

    /**
     * The retry of half sends that failed transiently, if resilience is on: for its metrics and
     * events (a send that failed on one broker group and went on to another counts as a success
     * after a retry). It is built from the retry given to the builder, retrying transient failures only.
     */
    public Optional<Retry> retry() {
        return Optional.ofNullable(retry);
    }

    /** Starts building: how to reach the brokers, and the producer group. */
    public static Builder builder(ClientOptions client, String producerGroup) {
        return new Builder(client, producerGroup);
    }

    /** The sender. */
    public RocketMqTransactionalSender sender() {
        return sender;
    }

    /** The in-doubt watcher, if a consumer store was given for it. Not started until {@link #startInDoubtWatcher()}. */
    public Optional<InDoubtWatcher> inDoubtWatcher() {
        return Optional.ofNullable(watcher);
    }

    /** Starts the in-doubt watcher, if there is one. */
    public RocketMqTxMsg startInDoubtWatcher() {
        if (watcher != null) {
            watcher.start();
        }
        return this;
    }

    /** Stops the in-doubt watcher, if any, before the rest stops (a lifecycle's first step on shutdown). */
    public void stopInDoubtWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    /** Publishes the message of a committed transaction again (the in-doubt watcher's and the operators' way). */
    public Republisher republisher() {
        return republisher;
    }

    /** The sender's meters. */
    public TxMsgMetrics metrics() {
        return metrics;
    }

    /**
     * RocketMQ's producer, for diagnostics and hooks (tests, fault injection). Do not send through it,
     * and do not shut it down: {@link #close()} does.
     */
    public TransactionMQProducer producer() {
        return producer;
    }

    /** How this sender gets committed messages to the broker. */
    public Mode mode() {
        return mode;
    }

    /**
     * The outbox relay: in outbox mode, and in half-message mode when the outbox's tables exist (it
     * publishes what an outbox-mode instance left). Started by {@link Builder#build()}.
     */
    public Optional<OutboxRelay> outboxRelay() {
        return Optional.ofNullable(relay);
    }

    /** The transaction log (half-message mode; an outbox-mode sender writes none). */
    public Optional<TransactionLog> transactionLog() {
        return mode == Mode.HALF_MESSAGE ? Optional.of(transactionLog) : Optional.empty();
    }

    /** The topics declared in the options (txmsg.topics), which the broker's key index is asked about. */
    public List<String> topics() {
        return topics;
    }

    /** The outbox, where there is a relay. */
    public Optional<OutboxStore> outboxStore() {
        return Optional.ofNullable(outboxStore);
    }

    /** Stops the relay (finishing its batches), the watcher and the producer; check-backs then go to the group's other producers. */
    @Override
    public void close() {
        if (reconciler != null) {
            reconciler.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (watcher != null) {
            watcher.close();
        }
        producer.shutdown();
        if (retryScheduler != null) {
            retryScheduler.shutdownNow();
        }
    }

    /** What an application sets; the rest has defaults (see {@link SenderOptions#defaults()}). */
    public static final class Builder {
        private final ClientOptions client;
        private final String group;
        private DataSource dataSource;
        private TransactionLog log;
        private LocalTransactions transactions;
        private SenderOptions options = SenderOptions.defaults();
        private final List<CheckListenerDecorator> decorators = new ArrayList<>();
        private PayloadConverter converter;
        private TxMsgMetrics metrics;
        private CircuitBreaker circuitBreaker = SendResilience.defaultCircuitBreaker();
        private Retry retry = SendResilience.defaultRetry();
        private Reconciliation reconciliation;
        private Consumer<TransactionMQProducer> producerCustomizer = p -> { };
        private ConsumerStore inDoubtStore;
        private Clock clock = Clock.systemUTC();
        private Mode mode = Mode.HALF_MESSAGE;
        private OutboxOptions outboxOptions = OutboxOptions.defaults();
        private OutboxStore outboxStore;
        private SchemaInitialization outboxSchema = SchemaInitialization.EMBEDDED;
        private UnaryOperator<OutboxPublisher> publisherDecorator = p -> p;

        private Builder(ClientOptions client, String group) {
            this.client = Objects.requireNonNull(client, "client");
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("producerGroup is required; there is no shared default, because the broker "
                    + "sends check-backs to any producer of the group and each must read the same transaction log");
            }
            this.group = group;
        }

        /** The DataSource of the local transactions and of the transaction log. Required unless both are given. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The transaction log (default: {@link MyBatisTransactionLog} on the DataSource). */
        public Builder transactionLog(TransactionLog log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** How local transactions are opened (default: plain JDBC on the DataSource). */
        public Builder localTransactions(LocalTransactions transactions) {
            this.transactions = Objects.requireNonNull(transactions, "transactions");
            return this;
        }

        /** The sender's options (default {@link SenderOptions#defaults()}). */
        public Builder options(SenderOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** Changes the sender's options. */
        public Builder options(UnaryOperator<SenderOptions> change) {
            return options(change.apply(options));
        }

        /**
         * Decorates the check-back, which also decides exhausted half messages. Decorators given
         * earlier are outer: the first is asked first, the last wraps txmsg's own fenced answer.
         */
        public Builder decorate(CheckListenerDecorator decorator) {
            this.decorators.add(Objects.requireNonNull(decorator, "decorator"));
            return this;
        }

        /** Converts payload objects to bodies (default: JSON with a plain Jackson {@code ObjectMapper}). */
        public Builder payloadConverter(PayloadConverter converter) {
            this.converter = Objects.requireNonNull(converter, "converter");
            return this;
        }

        /** Where meters go (default: a registry of the sender's own). */
        public Builder metrics(TxMsgMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Verifies, every interval, that the messages of committed transactions reached their topic,
         * and publishes those that did not from their half messages ({@link dev.txmsg.rocketmq.check.Reconciler}).
         * Meant for a broker that deletes the half messages whose check-backs ran out (RocketMQ 5.4's
         * {@code transRocksDBEnable}); {@code null} (the default) for none.
         */
        public Builder reconciliation(Reconciliation settings) {
            this.reconciliation = settings;
            return this;
        }

        /**
         * The circuit breaker that fails sends fast while the broker is down, and the retry of half
         * sends (defaults: {@link SendResilience}); {@code null} for none. Only failures that prove the
         * broker did not take the message are retried, whatever the retry's own predicate says.
         */
        public Builder resilience(CircuitBreaker circuitBreaker, Retry retry) {
            this.circuitBreaker = circuitBreaker;
            this.retry = retry == null ? null : Retry.of(retry.getName(), SendResilience.transientOnly(retry.getRetryConfig()));
            return this;
        }

        /** Changes any other producer setting before start (maximum message size...). RocketMQ's own send retries stay off. */
        public Builder producer(Consumer<TransactionMQProducer> customizer) {
            this.producerCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Settles this group's exhausted half messages, recording them in {@code store} (default: not watched). */
        public Builder inDoubtWatcher(ConsumerStore store) {
            this.inDoubtStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The clock that ages messages against the retention (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How committed messages reach the broker (default {@link Mode#HALF_MESSAGE}). */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** How the outbox and its relay work (default {@link OutboxOptions#defaults()}). */
        public Builder outbox(OutboxOptions options) {
            this.outboxOptions = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The outbox (default: on the DataSource, its tables created on an embedded database, as {@link #outboxSchema} says). */
        public Builder outboxStore(OutboxStore store) {
            this.outboxStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** When the default outbox creates its tables (default: on an embedded database only). */
        public Builder outboxSchema(SchemaInitialization initialization) {
            this.outboxSchema = Objects.requireNonNull(initialization, "initialization");
            return this;
        }

        /** Wraps the relay's publisher (fault injection, tracing); the default publishes through the producer. */
        public Builder outboxPublisher(UnaryOperator<OutboxPublisher> decorator) {
            this.publisherDecorator = Objects.requireNonNull(decorator, "decorator");
            return this;
        }

        /**
         * Opens the transaction log, starts the producer and fetches the declared topics' routes.
         *
         * @throws IllegalArgumentException if a required setting is missing
         * @throws IllegalStateException    if the database or the producer cannot start
         */
        public RocketMqTxMsg build() {
            if (dataSource == null && (log == null || transactions == null)) {
                throw new IllegalArgumentException("dataSource is required (the database of the local transactions and the log)");
            }
            if (mode == Mode.OUTBOX && dataSource == null && outboxStore == null) {
                throw new IllegalArgumentException("dataSource is required in outbox mode (the database of the outbox)");
            }
            RocketMqTxMsg txmsg = new RocketMqTxMsg(this);
            DeclaredTopics.declare(txmsg.producer, options.topics());
            if (txmsg.relay != null) {
                try {
                    txmsg.relay.start();
                } catch (RuntimeException e) {
                    txmsg.close();
                    throw e;
                }
            }
            return txmsg;
        }
    }
}
