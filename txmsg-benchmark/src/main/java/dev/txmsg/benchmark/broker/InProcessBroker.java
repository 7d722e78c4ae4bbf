package dev.txmsg.benchmark.broker;

import dev.txmsg.test.EmbeddedRocketMQ;

/** txmsg-test's NameServer and Broker in the benchmark's own JVM. */
final class InProcessBroker implements BrokerRuntime {

    private final EmbeddedRocketMQ mq;

    private InProcessBroker(EmbeddedRocketMQ mq) {
        this.mq = mq;
    }

    static InProcessBroker start(BrokerChoice choice) {
        return new InProcessBroker(EmbeddedRocketMQ.builder()
            .transactionTimeout(choice.transactionTimeout())
            .transactionCheckInterval(choice.checkInterval())
            .transactionOpBatchInterval(BrokerChoice.OP_BATCH_INTERVAL)
            .build().start());
    }

    @Override
    public String nameServer() {
        return mq.nameServerAddress();
    }

    @Override
    public String description() {
        return "in-process (RocketMQ name server and broker in the benchmark's JVM; their CPU counts in the CPU column)";
    }

    @Override
    public void close() {
        mq.close();
    }
}
