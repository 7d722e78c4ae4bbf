package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import dev.txmsg.rocketmq.RocketMqTransactionalSender;

/**
 * {@code txmsg}: the sender on plain JDBC (the builder's default); the executor inserts on txmsg's
 * connection. {@code txmsg-sequential}: the same with the half send awaited before the local
 * transaction instead of overlapping it ({@code overlapHalfSend(false)}), to show what the overlap buys.
 */
final class TxmsgScenario implements Scenario {

    static final String NAME = "txmsg";
    static final String SEQUENTIAL = "txmsg-sequential";

    private final String name;
    private final RocketMqTransactionalSender sender;

    TxmsgScenario(String nameServer, DataSource dataSource, boolean overlap) {
        this.name = overlap ? NAME : SEQUENTIAL;
        this.sender = TxmsgSenders.builder(nameServer, "bench-" + name, dataSource, Topics.TXMSG).overlapHalfSend(overlap).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void execute(long orderId) {
        sender.send(Payload.txMessage(Topics.TXMSG, orderId), TxmsgSenders.INSERT_ORDER, orderId);
    }

    @Override
    public void close() {
        sender.close();
    }
}
