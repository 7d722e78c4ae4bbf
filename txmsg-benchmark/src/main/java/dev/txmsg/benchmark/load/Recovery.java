package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.txmsg.benchmark.broker.BrokerSettings;
import dev.txmsg.benchmark.scenario.Payload;
import dev.txmsg.benchmark.scenario.Topics;
import dev.txmsg.benchmark.scenario.TxmsgSenders;
import dev.txmsg.rocketmq.RocketMqTxMsg;

/**
 * Recovery time: a txmsg producer commits locally and "stops" before its end-transaction reaches
 * the broker (the end is lost on the wire and the producer is closed); a new producer of the same
 * group, which sends nothing but declares its topic, answers the broker's check-back from the log.
 * Each sample is the time from the local commit to a consumer's receipt. Samples run one after the
 * other, so each meets the broker's check timer at another phase.
 */
public final class Recovery {

    private static final String GROUP = "bench-recovery";

    private final OrderIds orderIds;
    private final String nameServer;
    private final DataSource dataSource;

    /**
     * @param orderIds   the run's order ids
     * @param nameServer the broker's name server
     * @param dataSource the run's database
     */
    public Recovery(OrderIds orderIds, String nameServer, DataSource dataSource) {
        this.orderIds = orderIds;
        this.nameServer = nameServer;
        this.dataSource = dataSource;
    }

    /**
     * Takes {@code samples} samples; each waits at most the broker's first check plus three rounds
     * and half a minute.
     */
    public RecoveryResult measure(int samples, BrokerSettings broker) {
        Duration patience = broker.transactionTimeout().plus(broker.checkInterval().multipliedBy(3)).plusSeconds(30);
        List<Duration> times = new ArrayList<>();
        int lost = 0;
        try (ReceiptConsumer consumer = new ReceiptConsumer(nameServer, "bench-recovery-consumer", Topics.RECOVERY)) {
            for (int i = 0; i < samples; i++) {
                long orderId = orderIds.next();
                long committed = commitAndStop(orderId);
                try (RocketMqTxMsg successor = sender().build()) {
                    if (consumer.awaitAll(List.of(Payload.key(orderId)), patience)) {
                        times.add(Duration.ofNanos(consumer.receivedAt(Payload.key(orderId)) - committed));
                    } else {
                        lost++;
                    }
                }
            }
        }
        return new RecoveryResult(List.copyOf(times), lost, patience);
    }

    /** Sends order {@code orderId} with its end lost, closes the producer, and returns when the local commit returned. */
    private long commitAndStop(long orderId) {
        EndTransactionDropper dropper = new EndTransactionDropper();
        long committed;
        try (RocketMqTxMsg crashing = sender().build()) {
            TxmsgSenders.addHook(crashing, dropper);
            crashing.sender().send(Payload.txMessage(Topics.RECOVERY, orderId), TxmsgSenders.INSERT_ORDER, orderId);
            committed = System.nanoTime();
        }
        if (dropper.dropped() != 1) {
            throw new IllegalStateException("the end-transaction of order " + orderId + " was not intercepted ("
                + dropper.dropped() + " dropped): the recovery sample would time a normal send");
        }
        return committed;
    }

    private RocketMqTxMsg.Builder sender() {
        return TxmsgSenders.builder(nameServer, GROUP, dataSource, Topics.RECOVERY);
    }
}
