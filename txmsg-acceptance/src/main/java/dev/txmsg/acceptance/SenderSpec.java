package dev.txmsg.acceptance;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.rocketmq.remoting.RPCHook;

import dev.txmsg.api.spi.CheckListenerDecorator;
import dev.txmsg.api.spi.TransactionLog;

/**
 * A sender a suite asks for.
 *
 * @param nameServer     the broker's name server
 * @param group          the producer group
 * @param topics         topics it publishes to (declared at start-up)
 * @param dataSource     the database of its local transactions
 * @param log            its transaction log (the harness's own on the DataSource if {@code null})
 * @param hooks          RPC hooks on its client (to lose ends, to count requests)
 * @param decorators     decorators of its check-back
 * @param maxMessageSize the largest body it accepts, or 0 for the implementation's default
 * @param retention      the log's retention, or {@code null} if rows are kept forever
 * @param clock          the clock it ages messages with
 */
public record SenderSpec(String nameServer, String group, List<String> topics, DataSource dataSource, TransactionLog log,
                         List<RPCHook> hooks, List<CheckListenerDecorator> decorators, int maxMessageSize, Duration retention,
                         Clock clock) {

    /** Copies the lists. */
    public SenderSpec {
        Objects.requireNonNull(nameServer, "nameServer");
        Objects.requireNonNull(group, "group");
        topics = List.copyOf(topics);
        Objects.requireNonNull(dataSource, "dataSource");
        hooks = List.copyOf(hooks);
        decorators = List.copyOf(decorators);
        Objects.requireNonNull(clock, "clock");
    }

    /** A plain sender of {@code group} on {@code dataSource}, publishing to {@code topic}. */
    public static SenderSpec of(String nameServer, String group, String topic, DataSource dataSource) {
        return new SenderSpec(nameServer, group, List.of(topic), dataSource, null, List.of(), List.of(), 0, null, Clock.systemUTC());
    }

    /** With this transaction log. */
    public SenderSpec withLog(TransactionLog log) {
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, decorators, maxMessageSize, retention, clock);
    }

    /** With another RPC hook on its client. */
    public SenderSpec withHook(RPCHook hook) {
        List<RPCHook> more = new ArrayList<>(hooks);
        more.add(hook);
        return new SenderSpec(nameServer, group, topics, dataSource, log, more, decorators, maxMessageSize, retention, clock);
    }

    /** With another decorator of its check-back. */
    public SenderSpec withDecorator(CheckListenerDecorator decorator) {
        List<CheckListenerDecorator> more = new ArrayList<>(decorators);
        more.add(decorator);
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, more, maxMessageSize, retention, clock);
    }

    /** With this largest body. */
    public SenderSpec withMaxMessageSize(int bytes) {
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, decorators, bytes, retention, clock);
    }

    /** With the log's retention and the clock that ages messages against it. */
    public SenderSpec withRetention(Duration retention, Clock clock) {
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, decorators, maxMessageSize, retention, clock);
    }

    /** Publishing to these topics (declared at start-up). */
    public SenderSpec withTopics(List<String> topics) {
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, decorators, maxMessageSize, retention, clock);
    }

    /** On another DataSource. */
    public SenderSpec withDataSource(DataSource dataSource) {
        return new SenderSpec(nameServer, group, topics, dataSource, log, hooks, decorators, maxMessageSize, retention, clock);
    }
}
