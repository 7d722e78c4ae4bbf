package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import dev.txmsg.rocketmq.RocketMqTxMsg;

/**
 * {@code txmsg}: the sender on plain JDBC (the builder's default); the executor inserts on txmsg's
 * connection. {@code txmsg-sequential}: the same with the half send awaited before the local
 * transaction instead of overlapping it ({@code SenderOptions.withOverlapHalfSend(false)}), to show what the overlap buys.
 */
final class TxmsgScenario implements Scenario {

    static final String NAME = "txmsg";
    static final String SEQUENTIAL = "txmsg-sequential";

    private final String name;
    private final RocketMqTxMsg txmsg;

    TxmsgScenario(String nameServer, DataSource dataSource, boolean overlap) {
        this.name = overlap ? NAME : SEQUENTIAL;
        this.txmsg = TxmsgSenders.builder(nameServer, "bench-" + name, dataSource, Topics.TXMSG)
            .options(o -> o.withOverlapHalfSend(overlap)).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void execute(long orderId) {
        txmsg.sender().send(Payload.txMessage(Topics.TXMSG, orderId), TxmsgSenders.INSERT_ORDER, orderId);
    }

    @Override
    public void close() {
        txmsg.close();
    }
}
