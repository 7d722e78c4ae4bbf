package dev.txmsg.rocketmq.check;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckRequest;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;

/**
 * The default check-back: decided from the transaction log, never guessed.
 * <ol>
 * <li>A message of another log (another service or environment sharing the producer group):
 *     UNKNOWN and an alarm; never fence another's message.</li>
 * <li>A send of this process still runs the transaction: UNKNOWN at once, without reading or
 *     waiting for the log row's lock (the broker asks again).</li>
 * <li>A row: its state.</li>
 * <li>No row, message older than the log's retention: UNKNOWN and an alarm (a purged row proves
 *     nothing).</li>
 * <li>No row: write ROLLED_BACK. Written: ROLLBACK, and the local transaction, should it run
 *     late, fails on the key. Not written (the local transaction or another check-back got there
 *     first, and the insert waited for it): read again and answer that, or UNKNOWN.</li>
 * <li>Any database error, a lock wait timeout or a deadlock included: UNKNOWN, never ROLLBACK.</li>
 * </ol>
 */
public final class FencedCheckListener implements CheckListener {

    private static final Logger LOG = LoggerFactory.getLogger(FencedCheckListener.class);

    private final TransactionLog log;
    private final RetentionHorizon horizon;
    private final RunningTransactions running;
    private final TxMsgMetrics metrics;

    /**
     * @param log     the transaction log
     * @param horizon where the log's retention begins (messages beyond it are never fenced)
     * @param running the sends under way in this process
     * @param metrics where fences and alarms are counted
     */
    public FencedCheckListener(TransactionLog log, RetentionHorizon horizon, RunningTransactions running, TxMsgMetrics metrics) {
        this.log = Objects.requireNonNull(log, "log");
        this.horizon = Objects.requireNonNull(horizon, "horizon");
        this.running = Objects.requireNonNull(running, "running");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public TransactionState check(CheckRequest request) {
        String txId = request.transactionId();
        if (!log.identity().equals(request.logIdentity())) {
            metrics.foreign();
            LOG.error("check-back for transaction {} (topic {}, group {}) of another transaction log ({}; this one is {}): "
                    + "answered UNKNOWN. Another service or environment shares producer group {}; give each its own group.",
                txId, request.topic(), request.producerGroup(),
                request.logIdentity() == null ? "not sent by txmsg" : request.logIdentity(), log.identity(), request.producerGroup());
            return TransactionState.UNKNOWN;
        }
        if (running.isRunning(txId)) {
            // Its transaction runs here and now: nothing to read or wait for; the broker asks again.
            metrics.stillRunning();
            return TransactionState.UNKNOWN;
        }
        try {
            Optional<TransactionState> state = log.find(txId);
            if (state.isPresent()) {
                return state.get();
            }
            if (horizon.isBeyond(request.bornAt())) {
                metrics.beyondRetention();
                LOG.error("check-back for transaction {} (topic {}) born {} finds no log row, but the message is older than "
                        + "the log's retention ({}): its row may have been purged, so nothing can be decided. Answered UNKNOWN; "
                        + "the broker gives up after its last check. Keep the retention above the broker's whole check window.",
                    txId, request.topic(), request.bornAt(), horizon);
                return TransactionState.UNKNOWN;
            }
            if (log.fence(txId, request.topic())) {
                metrics.fenced();
                LOG.warn("check-back fenced transaction {} (topic {}): no log row {} after the send; answered ROLLBACK. "
                    + "Should its local transaction still run, it fails.", txId, request.topic(),
                    Duration.between(request.bornAt(), Instant.now()));
                return TransactionState.ROLLED_BACK;
            }
            // The key existed: the local transaction (or another check-back) wrote it, and the insert
            // waited until it finished. A new read sees the committed outcome.
            return log.find(txId).orElse(TransactionState.UNKNOWN);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("check-back for transaction {} answered UNKNOWN: the transaction log could not be read ({}); "
                + "the broker asks again", txId, e.toString());
            return TransactionState.UNKNOWN;
        }
    }
}
