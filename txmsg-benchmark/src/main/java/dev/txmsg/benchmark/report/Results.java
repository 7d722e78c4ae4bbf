package dev.txmsg.benchmark.report;

import java.util.List;

import dev.txmsg.benchmark.broker.BrokerSettings;
import dev.txmsg.benchmark.load.EndToEndResult;
import dev.txmsg.benchmark.load.Measurement;
import dev.txmsg.benchmark.load.RecoveryResult;

/**
 * Everything one run measured.
 *
 * @param setup     what it ran on
 * @param matrix    the throughput measurements, in the order they ran
 * @param endToEnd  txmsg's end-to-end latency per thread count
 * @param recovery  the recovery samples
 * @param broker    the broker's settings, printed beside the recovery time
 */
public record Results(RunSetup setup, List<Measurement> matrix, List<EndToEndResult> endToEnd, RecoveryResult recovery,
                      BrokerSettings broker) {

    /** The throughput table's rows. */
    public List<MatrixRow> rows() {
        return MatrixRow.of(matrix);
    }
}
