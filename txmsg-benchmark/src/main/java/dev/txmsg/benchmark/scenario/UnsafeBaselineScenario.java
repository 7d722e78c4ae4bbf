package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import org.apache.rocketmq.client.producer.DefaultMQProducer;

import dev.txmsg.benchmark.db.OrderTable;

/**
 * {@code unsafe-baseline}: commit the order, then send the message synchronously. Fast and wrong:
 * a crash or a failed send between the two loses the message. Every ratio is taken against it.
 */
final class UnsafeBaselineScenario implements Scenario {

    static final String NAME = "unsafe-baseline";

    private final DataSource dataSource;
    private final DefaultMQProducer producer;

    UnsafeBaselineScenario(String nameServer, DataSource dataSource) {
        this.dataSource = dataSource;
        this.producer = Producers.start("bench-unsafe-baseline", nameServer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) throws Exception {
        OrderTable.insertAndCommit(dataSource, orderId);
        Producers.requireStored(producer.send(Payload.rocketMessage(Topics.UNSAFE, orderId)));
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
