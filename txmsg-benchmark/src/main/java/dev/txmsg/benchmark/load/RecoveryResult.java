package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.List;

/**
 * How long a committed message whose end-transaction was lost took to reach a consumer, through
 * the broker's check-back to a new producer of the group.
 *
 * @param samples  commit-to-receipt times of the messages received
 * @param lost     messages not received within the patience
 * @param patience how long each sample was waited for
 */
public record RecoveryResult(List<Duration> samples, int lost, Duration patience) {
}
