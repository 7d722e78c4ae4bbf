package dev.txmsg.benchmark.scenario;

import java.util.List;

import javax.sql.DataSource;

import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.RocketMqTxMsg;

/**
 * {@code txmsg-3}: one order row and three messages in its one local transaction
 * ({@code send(List, executor, arg)}), to show what each further message costs against {@code txmsg}'s one.
 */
final class TxmsgSeveralScenario implements Scenario {

    static final String NAME = "txmsg-3";

    private final RocketMqTxMsg txmsg;

    TxmsgSeveralScenario(String nameServer, DataSource dataSource) {
        this.txmsg = TxmsgSenders.builder(nameServer, "bench-" + NAME, dataSource, Topics.TXMSG).build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) {
        TxMessage message = Payload.txMessage(Topics.TXMSG, orderId);
        txmsg.sender().send(List.of(message, message, message), TxmsgSenders.INSERT_ORDER, orderId);
    }

    @Override
    public void close() {
        txmsg.close();
    }
}
