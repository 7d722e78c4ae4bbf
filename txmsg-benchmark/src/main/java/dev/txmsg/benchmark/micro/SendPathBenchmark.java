package dev.txmsg.benchmark.micro;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.send.HalfMessageSender;
import dev.txmsg.rocketmq.send.ResilientHalfMessageSender;
import dev.txmsg.rocketmq.send.SendFlow;
import dev.txmsg.rocketmq.send.SendResilience;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.HalfMessages;
import dev.txmsg.rocketmq.wire.JacksonPayloadConverter;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.Retry;

/**
 * txmsg's own work per send, without the broker's and the database's round trips: the half
 * message built and validated, the log row's statement through MyBatis (on a connection that does
 * nothing), the metrics, the circuit breaker and retry, and the whole send path with a broker
 * stand-in that answers at once. Run it with {@code -prof gc} to see the bytes allocated per send:
 *
 * <pre>
 * java -cp txmsg-benchmark/target/txmsg-benchmark-0.1.0-SNAPSHOT-all.jar org.openjdk.jmh.Main SendPathBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class SendPathBenchmark {

    private static final byte[] BODY = ("{\"orderId\":1234567,\"accountId\":\"A-42\",\"amount\":\"12.50\",\"note\":\""
        + "x".repeat(180) + "\"}").getBytes(StandardCharsets.UTF_8);

    private org.h2.jdbcx.JdbcDataSource h2;
    private Connection keepAlive;
    private HalfMessages halfMessages;
    private MyBatisTransactionLog log;
    private Connection noop;
    private TxMsgMetrics metrics;
    private HalfMessageSender answering;
    private HalfMessageSender resilient;
    private ScheduledExecutorService scheduler;
    private SendFlow flow;
    private SendFlow resilientFlow;
    private TxMessage message;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:jmh;DB_CLOSE_DELAY=-1");
        keepAlive = h2.getConnection();
        log = MyBatisTransactionLog.builder(h2).schemaInitialization(SchemaInitialization.ALWAYS).build();
        halfMessages = new HalfMessages("bench", log.identity(), 4 * 1024 * 1024, new JacksonPayloadConverter(new ObjectMapper()));
        noop = NoopJdbc.connection();
        metrics = new TxMsgMetrics(new SimpleMeterRegistry(), "bench");
        answering = new Answering();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        resilient = new ResilientHalfMessageSender(answering, CircuitBreaker.of("txmsg", SendResilience.defaultCircuitBreakerConfig()),
            Retry.of("txmsg", SendResilience.transientOnly(SendResilience.defaultRetryConfig())), scheduler);
        LocalTransactions transactions = () -> new NoopTransaction(noop);
        flow = new SendFlow((half, sent, state, cause) -> { }, answering, halfMessages, log, transactions, metrics,
            new RunningTransactions(), 100);
        resilientFlow = new SendFlow((half, sent, state, cause) -> { }, resilient, halfMessages, log, transactions, metrics,
            new RunningTransactions(), 100);
        message = TxMessage.builder("ORDER_EVENTS").tag("ORDER_CREATED").key("order-1234567").body(BODY).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        scheduler.shutdownNow();
        keepAlive.close();
    }

    /** The half message, built and validated. */
    @Benchmark
    public Message halfMessage() {
        return halfMessages.create(message);
    }

    /** The log row's INSERT through txmsg's MyBatis, on a connection that does nothing. */
    @Benchmark
    public void logRow() throws Exception {
        log.append(noop, MessageClientIDSetter.createUniqID(), "ORDER_EVENTS");
    }

    /** The send's metrics: a counter and a timer. */
    @Benchmark
    public void metrics() {
        metrics.send(TxMsgMetrics.SendOutcome.COMMITTED, Duration.ofNanos(1_234_567));
    }

    /** The half send through the circuit breaker and the retry, the broker answering at once. */
    @Benchmark
    public SendResult resilience() throws Exception {
        return resilient.send(halfMessages.create(message)).get();
    }

    /** A whole send: half message, log row, executor (nothing), commit, end; no resilience. */
    @Benchmark
    public Object send() {
        return flow.run(List.of(message), (ctx, a) -> { }, null);
    }

    /** A whole send with the circuit breaker and retry, as the defaults have it. */
    @Benchmark
    public Object sendWithResilience() {
        return resilientFlow.run(List.of(message), (ctx, a) -> { }, null);
    }

    /** A broker that stores every half message at once. */
    private static final class Answering implements HalfMessageSender {
        @Override
        public CompletableFuture<SendResult> send(Message half) {
            SendResult result = new SendResult();
            result.setSendStatus(SendStatus.SEND_OK);
            result.setMsgId(MessageClientIDSetter.getUniqID(half));
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public Duration maxWait() {
            return Duration.ofSeconds(4);
        }
    }

    private record NoopTransaction(Connection connection) implements LocalTransaction {
        @Override
        public Outcome commit() {
            return Outcome.COMMITTED;
        }

        @Override
        public void rollback() {
        }
    }
}
