package dev.txmsg.acceptance;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.apache.rocketmq.common.message.Message;

import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.TransactionLog;

/**
 * What an implementation of txmsg provides to the published guarantee suites: a subclass of a
 * suite supplies one (and a database), and the suite drives the implementation through it and
 * through txmsg's api alone. Every object it builds is closed by the suite.
 */
public interface Harness {

    /** A sender as {@code spec} describes. */
    SenderUnderTest sender(SenderSpec spec);

    /**
     * A sender in outbox mode as {@code spec} describes, its relay as {@code outbox} says, started;
     * its outbox's tables created.
     */
    OutboxUnderTest outboxSender(SenderSpec spec, OutboxSpec outbox);

    /** Consumers as {@code spec} describes, started. */
    ConsumersUnderTest consumers(ConsumerSpec spec);

    /**
     * The implementation's transaction log on {@code dataSource}, its tables created, a check-back
     * waiting at most {@code lockWait} for a local transaction that holds a row.
     */
    TransactionLog transactionLog(DataSource dataSource, Duration lockWait);

    /**
     * The implementation's own check-back, as another instance of the service on {@code dataSource}
     * would answer it (its transaction log there, nothing running in it).
     *
     * @param retention the log's retention, or {@code null} if rows are kept forever
     * @param clockSkew how far apart the clocks may be
     * @param clock     that instance's clock
     */
    CheckListener checkListener(DataSource dataSource, Duration retention, Duration clockSkew, Clock clock);

    /**
     * A RocketMQ message as the implementation sends it for transaction {@code transactionId} (its
     * identity properties set), so that a suite can deliver the same message more than once.
     */
    Message asSentByTxmsg(String topic, String tag, String transactionId, byte[] body);

    /** Adds an RPC hook to the RocketMQ client of the sender that {@code context} (built from {@link #autoConfigurations()}) runs. */
    void addClientHook(org.springframework.context.ApplicationContext context, org.apache.rocketmq.remoting.RPCHook hook);

    /** The implementation's Spring Boot auto-configurations, for the suites that run it as a starter. */
    List<Class<?>> autoConfigurations();
}
