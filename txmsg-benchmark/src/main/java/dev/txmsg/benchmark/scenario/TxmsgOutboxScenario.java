package dev.txmsg.benchmark.scenario;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import dev.txmsg.rocketmq.Mode;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.outbox.OutboxRelay;

/**
 * {@code txmsg-outbox}: txmsg in outbox mode ({@code Mode.OUTBOX}, the builder's other defaults):
 * the same executor and message as {@code txmsg}; the caller waits for the local transaction alone
 * and the relay publishes in batches. After each window the relay's backlog is counted and drained
 * before the next measurement, so that its work does not fall into another scenario's window.
 */
final class TxmsgOutboxScenario implements Scenario {

    static final String NAME = "txmsg-outbox";
    private static final Duration DRAIN_PATIENCE = Duration.ofMinutes(2);

    private final RocketMqTxMsg txmsg;
    private final OutboxRelay relay;

    TxmsgOutboxScenario(String nameServer, DataSource dataSource) {
        this.txmsg = TxmsgSenders.builder(nameServer, "bench-" + NAME, dataSource, Topics.OUTBOX).mode(Mode.OUTBOX).build();
        this.relay = txmsg.outboxRelay().orElseThrow();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) {
        txmsg.sender().send(Payload.txMessage(Topics.OUTBOX, orderId), TxmsgSenders.INSERT_ORDER, orderId);
    }

    @Override
    public RelayBacklog afterWindow() throws SQLException, InterruptedException {
        long atEnd = relay.refreshBacklog().pending();
        long start = System.nanoTime();
        while (relay.refreshBacklog().pending() > 0) {
            if (System.nanoTime() - start > DRAIN_PATIENCE.toNanos()) {
                throw new IllegalStateException("the outbox relay did not drain " + relay.backlog().pending() + " messages within "
                    + DRAIN_PATIENCE);
            }
            Thread.sleep(20); // polling a count, not waiting for an outcome: the count is the outcome
        }
        return new RelayBacklog(atEnd, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void close() {
        txmsg.close();
    }
}
