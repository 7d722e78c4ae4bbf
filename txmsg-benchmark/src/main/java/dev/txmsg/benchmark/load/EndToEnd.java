package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.HdrHistogram.Histogram;

import dev.txmsg.benchmark.scenario.Payload;
import dev.txmsg.benchmark.scenario.Topics;
import dev.txmsg.benchmark.scenario.TxmsgSenders;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;
import dev.txmsg.rocketmq.Mode;
import dev.txmsg.rocketmq.RocketMqTxMsg;

/**
 * txmsg's end-to-end latency: the {@code txmsg} scenario again, in each mode (half messages, then
 * outbox), on a topic of its own with a push consumer, timed from the call to the consumer's receipt. It runs apart from the throughput
 * matrix, so that the consumer's CPU does not weigh on txmsg's figures there.
 */
public final class EndToEnd {

    /** How long messages of the window may take to arrive before they count as missing. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final ClosedLoop loop;
    private final String nameServer;
    private final DataSource dataSource;

    /**
     * @param loop       the run's closed loop
     * @param nameServer the broker's name server
     * @param dataSource the run's database
     */
    public EndToEnd(ClosedLoop loop, String nameServer, DataSource dataSource) {
        this.loop = loop;
        this.nameServer = nameServer;
        this.dataSource = dataSource;
    }

    /** Measures at each of {@code threads}. */
    public List<EndToEndResult> measure(List<Integer> threads, Duration warmup, Duration duration) {
        List<EndToEndResult> results = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            String topic = mode == Mode.OUTBOX ? Topics.END_TO_END_OUTBOX : Topics.END_TO_END;
            String suffix = mode == Mode.OUTBOX ? "-outbox" : "";
            try (RocketMqTxMsg txmsg = TxmsgSenders.builder(nameServer, "bench-end-to-end" + suffix, dataSource, topic)
                     .mode(mode).build();
                 ReceiptConsumer consumer = new ReceiptConsumer(nameServer, "bench-end-to-end-consumer" + suffix, topic)) {
                for (int n : threads) {
                    results.add(measure(mode, txmsg.sender(), consumer, topic, n, warmup, duration));
                    consumer.clear();
                }
            }
        }
        return results;
    }

    private EndToEndResult measure(Mode mode, RocketMqTransactionalSender sender, ReceiptConsumer consumer, String topic, int threads,
                                   Duration warmup, Duration duration) {
        Map<String, Long> started = new ConcurrentHashMap<>();
        Measurement m = loop.run("end-to-end", threads, warmup, duration, orderId -> {
            String key = Payload.key(orderId);
            started.put(key, System.nanoTime());
            try {
                sender.send(Payload.txMessage(topic, orderId), TxmsgSenders.INSERT_ORDER, orderId);
            } catch (RuntimeException e) {
                started.remove(key);
                throw e;
            }
        });
        List<String> window = started.entrySet().stream().filter(e -> m.inWindow(e.getValue())).map(Map.Entry::getKey).toList();
        consumer.awaitAll(window, PATIENCE);
        Histogram latency = new Histogram(3);
        for (String key : window) {
            Long receipt = consumer.receivedAt(key);
            if (receipt != null) {
                latency.recordValue(Math.max(0, receipt - started.get(key)));
            }
        }
        return new EndToEndResult(mode == Mode.OUTBOX ? "outbox" : "half-message", threads, m.throughput(), window.size(), latency);
    }
}
