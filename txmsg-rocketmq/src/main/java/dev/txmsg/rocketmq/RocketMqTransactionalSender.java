package dev.txmsg.rocketmq;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import org.apache.rocketmq.client.exception.MQClientException;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.RPCHook;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.PayloadConverter;
import dev.txmsg.api.SendResult;
import dev.txmsg.api.TransactionalSender;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.check.CheckBackHandler;
import dev.txmsg.rocketmq.check.CheckBackPool;
import dev.txmsg.rocketmq.check.FencedCheckListener;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.DeclaredTopics;
import dev.txmsg.rocketmq.send.HalfMessageSender;
import dev.txmsg.rocketmq.send.HalfMessages;
import dev.txmsg.rocketmq.send.JacksonPayloadConverter;
import dev.txmsg.rocketmq.send.ProducerHalfMessageSender;
import dev.txmsg.rocketmq.send.ResilientHalfMessageSender;
import dev.txmsg.rocketmq.send.SendFlow;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.rocketmq.tx.JdbcLocalTransactions;
import dev.txmsg.rocketmq.tx.LocalTransactions;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * The {@link TransactionalSender} on RocketMQ transactional messages. It drives the protocol's
 * steps itself on a {@link TransactionMQProducer}:
 * <ol>
 * <li>send the half message (asynchronously: its round trip overlaps step 2);</li>
 * <li>in one local transaction, write the log row ({@code COMMITTED}, first statement), run the
 *     executor, wait for the broker to confirm the half message, commit;</li>
 * <li>end the transaction: COMMIT, or ROLLBACK if anything failed. The end is one-way; if it is
 *     lost, or the process dies first, the broker's check-back reads the log.</li>
 * </ol>
 *
 * <pre>{@code
 * RocketMqTransactionalSender sender = RocketMqTransactionalSender.builder()
 *     .nameServer("127.0.0.1:9876")
 *     .producerGroup("order-service")
 *     .dataSource(dataSource)
 *     .topics("ORDER_EVENTS")
 *     .build();
 * }</pre>
 *
 * <p>Thread-safe; one sender serves any number of executors. {@link #close()} stops the producer.
 */
public final class RocketMqTransactionalSender implements TransactionalSender, AutoCloseable {

    private final TransactionMQProducer producer;
    private final HalfMessages halfMessages;
    private final SendFlow flow;
    private final TransactionLog log;
    private final TxMsgMetrics metrics;
    private final String group;
    private final CircuitBreaker circuitBreaker;
    private final ScheduledExecutorService retryScheduler;

    private RocketMqTransactionalSender(Builder b, TransactionMQProducer producer, TransactionLog log, TxMsgMetrics metrics,
                                        RunningTransactions running) {
        this.producer = producer;
        this.log = log;
        this.metrics = metrics;
        this.group = b.group;
        this.circuitBreaker = b.circuitBreaker;
        LocalTransactions transactions = b.transactions != null ? b.transactions : new JdbcLocalTransactions(b.dataSource);
        // The started producer's group carries its namespace, if any: the broker checks the end against it.
        this.halfMessages = new HalfMessages(producer.getProducerGroup(), log.identity(), producer.getMaxMessageSize(), b.converter);
        HalfMessageSender halfSender = new ProducerHalfMessageSender(producer, b.sendTimeout, b.overlap);
        if (b.circuitBreaker != null || b.retry != null) {
            this.retryScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "txmsg-retry-" + b.group);
                t.setDaemon(true);
                return t;
            });
            halfSender = new ResilientHalfMessageSender(halfSender, b.circuitBreaker, b.retry, retryScheduler);
        } else {
            this.retryScheduler = null;
        }
        if (b.circuitBreaker != null) {
            metrics.circuitBreaker(b.circuitBreaker);
        }
        this.flow = new SendFlow(producer, halfSender, log, transactions, metrics, running);
    }

    /** Starts building a sender. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public <A> SendResult send(TxMessage message, LocalTransactionExecutor<A> executor, A arg) {
        Objects.requireNonNull(executor, "executor");
        Message half = halfMessages.create(message);
        return flow.run(message, half, executor, arg);
    }

    /** The producer group. */
    public String producerGroup() {
        return group;
    }

    /** The transaction log. */
    public TransactionLog transactionLog() {
        return log;
    }

    /** The meters of this sender. */
    public TxMsgMetrics metrics() {
        return metrics;
    }

    /**
     * RocketMQ's producer, for diagnostics and hooks. Do not send through it, and do not shut it
     * down: {@link #close()} does.
     */
    public TransactionMQProducer producer() {
        return producer;
    }

    /** The circuit breaker guarding the half send, or {@code null} if there is none. */
    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    /** Stops the producer; check-backs then go to the group's other producers. */
    @Override
    public void close() {
        producer.shutdown();
        if (retryScheduler != null) {
            retryScheduler.shutdownNow();
        }
    }

    /** Settings of a {@link RocketMqTransactionalSender}. */
    public static final class Builder {
        private String nameServer;
        private String group;
        private DataSource dataSource;
        private TransactionLog log;
        private LocalTransactions transactions;
        private final List<String> topics = new ArrayList<>();
        private Duration sendTimeout = Duration.ofSeconds(3);
        private boolean overlap = true;
        private int checkThreads = 4;
        private int checkQueueCapacity = 2000;
        private Duration retention;
        private UnaryOperator<CheckListener> checkListener = UnaryOperator.identity();
        private PayloadConverter converter;
        private TxMsgMetrics metrics;
        private RPCHook rpcHook;
        private String namespace;
        private Consumer<TransactionMQProducer> producerCustomizer = p -> { };
        private CircuitBreaker circuitBreaker = SendResilience.defaultCircuitBreaker();
        private Retry retry = SendResilience.defaultRetry();
        private Duration clockSkew = RetentionHorizon.DEFAULT_CLOCK_SKEW;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The name server address(es), {@code host:port;host:port}. Required. */
        public Builder nameServer(String nameServer) {
            this.nameServer = nameServer;
            return this;
        }

        /**
         * The producer group. Required, and with no shared default: the broker may send a check-back
         * to any producer of the group, so every producer of it must read the same transaction log.
         */
        public Builder producerGroup(String group) {
            this.group = group;
            return this;
        }

        /** The DataSource of the local transactions and of the transaction log. Required. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** The transaction log (default: {@link dev.txmsg.rocketmq.log.MyBatisTransactionLog} on the DataSource). */
        public Builder transactionLog(TransactionLog log) {
            this.log = log;
            return this;
        }

        /** How local transactions are opened (default: plain JDBC on the DataSource). */
        public Builder localTransactions(LocalTransactions transactions) {
            this.transactions = transactions;
            return this;
        }

        /**
         * Topics this sender publishes to. Their routes are fetched at start-up, so that a restarted
         * service receives the check-backs of its in-doubt messages before its first send.
         */
        public Builder topics(String... topics) {
            this.topics.addAll(List.of(topics));
            return this;
        }

        /** Topics this sender publishes to; see {@link #topics(String...)}. */
        public Builder topics(List<String> topics) {
            this.topics.addAll(topics);
            return this;
        }

        /** Timeout of the half-message send (default 3 s). */
        public Builder sendTimeout(Duration timeout) {
            this.sendTimeout = positive(timeout, "sendTimeout");
            return this;
        }

        /**
         * Whether the half message is sent asynchronously, its round trip overlapping the executor
         * (default {@code true}); either way it is stored before the local commit.
         */
        public Builder overlapHalfSend(boolean overlap) {
            this.overlap = overlap;
            return this;
        }

        /** Threads and queue of the check-back pool (default 4 threads, 2,000 queued). */
        public Builder checkBackPool(int threads, int queueCapacity) {
            if (threads < 1) {
                throw new IllegalArgumentException("check-back pool threads must be at least 1, was " + threads);
            }
            if (queueCapacity < 1) {
                throw new IllegalArgumentException("check-back queue capacity must be at least 1, was " + queueCapacity);
            }
            this.checkThreads = threads;
            this.checkQueueCapacity = queueCapacity;
            return this;
        }

        /**
         * How long the transaction log keeps rows, if they are purged: a check-back for an older
         * message that finds no row answers UNKNOWN rather than fencing. Default: kept forever.
         */
        public Builder retention(Duration retention) {
            this.retention = positive(retention, "retention");
            return this;
        }

        /**
         * Replaces or decorates the check listener: the function receives the default (the fenced
         * check-back on the transaction log) and returns the one to use.
         */
        public Builder checkListener(UnaryOperator<CheckListener> customizer) {
            this.checkListener = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /** Converts payload objects to bodies (default: JSON with a plain Jackson {@code ObjectMapper}). */
        public Builder payloadConverter(PayloadConverter converter) {
            this.converter = converter;
            return this;
        }

        /** Where meters go (default: a registry of the sender's own). */
        public Builder metrics(TxMsgMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** An RPC hook, such as RocketMQ's {@code AclClientRPCHook} for ACL credentials. */
        public Builder rpcHook(RPCHook rpcHook) {
            this.rpcHook = rpcHook;
            return this;
        }

        /** The RocketMQ namespace. */
        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        /**
         * Changes any other producer setting before start (TLS, maximum message size...). RocketMQ's own
         * send retries stay off whatever it sets: txmsg retries half messages itself, only when the
         * broker surely did not take them.
         */
        public Builder producer(Consumer<TransactionMQProducer> customizer) {
            this.producerCustomizer = Objects.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * The circuit breaker that fails sends fast while the broker is down, before any local work
         * starts (default: {@link SendResilience#defaultCircuitBreakerConfig()}); {@code null} for none.
         */
        public Builder circuitBreaker(CircuitBreaker circuitBreaker) {
            this.circuitBreaker = circuitBreaker;
            return this;
        }

        /**
         * The retry of half sends (default: {@link SendResilience#defaultRetryConfig()}); {@code null}
         * for none. Only failures that prove the broker did not take the message are retried,
         * whatever the retry's own predicate says.
         */
        public Builder retry(Retry retry) {
            this.retry = retry == null ? null : Retry.of(retry.getName(), SendResilience.transientOnly(retry.getRetryConfig()));
            return this;
        }

        /**
         * How far this JVM's clock, and those of the group's other producers, may be from the
         * database's (default 5 minutes): a check-back treats a message as beyond the retention that
         * much earlier, since the purge ages rows by the database's clock.
         */
        public Builder clockSkew(Duration clockSkew) {
            if (clockSkew == null || clockSkew.isNegative()) {
                throw new IllegalArgumentException("clockSkew must be zero or positive, was " + clockSkew);
            }
            this.clockSkew = clockSkew;
            return this;
        }

        /** The clock that ages messages against the retention (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opens the transaction log, starts the producer and fetches the declared topics' routes.
         *
         * @throws IllegalArgumentException if a required setting is missing
         * @throws IllegalStateException    if the database or the producer cannot start
         */
        public RocketMqTransactionalSender build() {
            if (nameServer == null || nameServer.isBlank()) {
                throw new IllegalArgumentException("nameServer is required (host:port of the RocketMQ name server)");
            }
            if (group == null || group.isBlank()) {
                throw new IllegalArgumentException("producerGroup is required; there is no shared default, because the broker "
                    + "sends check-backs to any producer of the group and each must read the same transaction log");
            }
            if (dataSource == null && (log == null || transactions == null)) {
                throw new IllegalArgumentException("dataSource is required (the database of the local transactions and the log)");
            }
            TransactionLog theLog = log != null ? log : dev.txmsg.rocketmq.log.MyBatisTransactionLog.builder(dataSource).build();
            TxMsgMetrics theMetrics = metrics != null ? metrics : TxMsgMetrics.standalone(group);
            if (converter == null) {
                converter = new JacksonPayloadConverter(new ObjectMapper());
            }
            RetentionHorizon horizon = retention == null ? RetentionHorizon.none() : RetentionHorizon.of(retention, clockSkew, clock);
            RunningTransactions running = new RunningTransactions();
            CheckListener fenced = new FencedCheckListener(theLog, horizon, running, theMetrics);
            CheckListener listener = Objects.requireNonNull(checkListener.apply(fenced), "checkListener returned null");

            TransactionMQProducer producer = new TransactionMQProducer(group, rpcHook);
            if (namespace != null && !namespace.isBlank()) {
                producer.setNamespace(namespace);
            }
            producer.setNamesrvAddr(nameServer);
            producer.setSendMsgTimeout((int) sendTimeout.toMillis());
            producer.setTransactionListener(new CheckBackHandler(listener, group, theMetrics));
            producer.setExecutorService(CheckBackPool.create(group, checkThreads, checkQueueCapacity, theMetrics));
            if (rpcHook != null) {
                producer.setVipChannelEnabled(false);
            }
            producerCustomizer.accept(producer);
            // Half messages are retried by txmsg, and only when the broker surely did not take them:
            // applied after the customizer, whatever it (or rocketmq.producer.retry-times-*) says.
            producer.setRetryTimesWhenSendFailed(0);
            producer.setRetryTimesWhenSendAsyncFailed(0);
            try {
                producer.start();
            } catch (MQClientException e) {
                throw new IllegalStateException("the RocketMQ producer of group " + group + " did not start: " + e.getMessage(), e);
            }
            DeclaredTopics.declare(producer, List.copyOf(topics));
            return new RocketMqTransactionalSender(this, producer, theLog, theMetrics, running);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
