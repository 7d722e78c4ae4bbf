package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import dev.txmsg.api.TxMessage;
import dev.txmsg.benchmark.scenario.Payload;
import dev.txmsg.benchmark.scenario.Topics;
import dev.txmsg.benchmark.scenario.TxmsgSenders;
import dev.txmsg.rocketmq.Mode;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.outbox.OutboxRelay;

/**
 * The outbox relay's drain rate: a backlog written while no relay of the group runs (an outage, a
 * deployment), then two relays of the group (two instances of a service) started at once, timed
 * until the outbox is empty. Messages of 1,000 keys, 100 per local transaction.
 */
public final class RelayDrain {

    private static final String GROUP = "bench-relay-drain";
    private static final int PER_TRANSACTION = 100;
    private static final Duration PATIENCE = Duration.ofMinutes(10);

    private final String nameServer;
    private final DataSource dataSource;

    /**
     * @param nameServer the broker's name server
     * @param dataSource the run's database
     */
    public RelayDrain(String nameServer, DataSource dataSource) {
        this.nameServer = nameServer;
        this.dataSource = dataSource;
    }

    /** Writes {@code messages} (a multiple of 100 is best), then times two relays publishing them. */
    public RelayDrainResult measure(int messages) throws Exception {
        long writeStart = System.nanoTime();
        try (RocketMqTxMsg writer = TxmsgSenders.builder(nameServer, GROUP, dataSource, Topics.DRAIN).mode(Mode.OUTBOX).build()) {
            writer.outboxRelay().orElseThrow().close(); // no relay while the backlog builds; its partitions are free at once
            write(writer, messages);
        }
        Duration written = Duration.ofNanos(System.nanoTime() - writeStart);
        long start = System.nanoTime();
        try (RocketMqTxMsg first = relay(); RocketMqTxMsg second = relay()) {
            OutboxRelay a = first.outboxRelay().orElseThrow();
            OutboxRelay b = second.outboxRelay().orElseThrow();
            while (a.refreshBacklog().pending() > 0) {
                if (System.nanoTime() - start > PATIENCE.toNanos()) {
                    throw new IllegalStateException("two relays did not drain " + messages + " messages within " + PATIENCE + "; "
                        + a.backlog().pending() + " still wait");
                }
                Thread.sleep(20); // polling a count: the count is the outcome
            }
            Duration drain = Duration.ofNanos(System.nanoTime() - start);
            return new RelayDrainResult(messages, 2, written, drain, List.of(a.published(), b.published()));
        }
    }

    private RocketMqTxMsg relay() {
        return TxmsgSenders.builder(nameServer, GROUP, dataSource, Topics.DRAIN).mode(Mode.OUTBOX).build();
    }

    private static void write(RocketMqTxMsg writer, int messages) throws Exception {
        int transactions = (messages + PER_TRANSACTION - 1) / PER_TRANSACTION;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int t = 0; t < transactions; t++) {
                int first = t * PER_TRANSACTION;
                int count = Math.min(PER_TRANSACTION, messages - first);
                sends.add(pool.submit(() -> {
                    List<TxMessage> batch = new ArrayList<>(count);
                    for (int i = 0; i < count; i++) {
                        long n = first + i;
                        batch.add(Payload.txMessage(Topics.DRAIN, n % 1000)); // 1,000 keys
                    }
                    writer.sender().send(batch, (ctx, a) -> { }, null);
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
