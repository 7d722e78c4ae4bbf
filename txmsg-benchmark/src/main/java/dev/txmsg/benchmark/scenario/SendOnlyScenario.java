package dev.txmsg.benchmark.scenario;

import org.apache.rocketmq.client.producer.DefaultMQProducer;

/** {@code send-only}: a plain synchronous send, nothing written; the broker's share of every other scenario. */
final class SendOnlyScenario implements Scenario {

    static final String NAME = "send-only";

    private final DefaultMQProducer producer;

    SendOnlyScenario(String nameServer) {
        this.producer = Producers.start("bench-send-only", nameServer);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) throws Exception {
        Producers.requireStored(producer.send(Payload.rocketMessage(Topics.SEND_ONLY, orderId)));
    }

    @Override
    public void close() {
        producer.shutdown();
    }
}
