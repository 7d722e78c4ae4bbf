package dev.txmsg.benchmark.report;

import java.util.List;

import dev.txmsg.benchmark.broker.BrokerSettings;
import dev.txmsg.benchmark.load.EndToEndResult;
import dev.txmsg.benchmark.load.RecoveryResult;

/**
 * Everything one run measured.
 *
 * @param setup     what it ran on
 * @param matrix    the throughput measurements, in the order they ran (several rounds of each scenario and thread count)
 * @param endToEnd  txmsg's end-to-end latency per thread count
 * @param recovery  the recovery samples
 * @param broker    the broker's settings, printed beside the recovery time
 * @param drain     the outbox relays' drain of a backlog, or {@code null} if not measured
 */
public record Results(RunSetup setup, List<Sample> matrix, List<EndToEndResult> endToEnd, RecoveryResult recovery,
                      BrokerSettings broker, dev.txmsg.benchmark.load.RelayDrainResult drain) {

    /** Each scenario at each thread count, over its rounds. */
    public List<Cell> cells() {
        return Cell.of(matrix);
    }
}
