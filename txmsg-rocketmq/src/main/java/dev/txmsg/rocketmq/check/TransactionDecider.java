package dev.txmsg.rocketmq.check;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckRequest;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;

/**
 * Decides a transaction's state from the transaction log, never guessing: the one place that
 * decides, for the broker's check-back and for the in-doubt watcher alike.
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
public final class TransactionDecider {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionDecider.class);

    private final TransactionLog log;
    private final RetentionHorizon horizon;
    private final RunningTransactions running;

    /**
     * @param log     the transaction log
     * @param horizon where the log's retention begins (messages beyond it are never fenced)
     * @param running the sends under way in this process
     */
    public TransactionDecider(TransactionLog log, RetentionHorizon horizon, RunningTransactions running) {
        this.log = Objects.requireNonNull(log, "log");
        this.horizon = Objects.requireNonNull(horizon, "horizon");
        this.running = Objects.requireNonNull(running, "running");
    }

    /** The log's identity, carried by every message it wrote. */
    public String logIdentity() {
        return log.identity();
    }

    /**
     * Decides {@code request}'s transaction. Never throws: what cannot be decided is UNKNOWN. It
     * counts and logs nothing but a failed read: the check-back and the in-doubt watcher each say
     * what their decision meant ({@link CheckBackHandler}, {@link InDoubtWatcher}).
     */
    public Decision decide(CheckRequest request) {
        String txId = request.transactionId();
        if (!log.identity().equals(request.logIdentity())) {
            return Decision.unknown(Decision.Basis.FOREIGN);
        }
        if (running.isRunning(txId)) {
            // Its transaction runs here and now: nothing to read or wait for; the broker asks again.
            return Decision.unknown(Decision.Basis.RUNNING);
        }
        try {
            Optional<TransactionState> state = log.find(txId);
            if (state.isPresent()) {
                return new Decision(state.get(), Decision.Basis.LOGGED);
            }
            if (horizon.isBeyond(request.bornAt())) {
                return Decision.unknown(Decision.Basis.BEYOND_RETENTION);
            }
            if (log.fence(txId, request.topic())) {
                return new Decision(TransactionState.ROLLED_BACK, Decision.Basis.FENCED);
            }
            // The key existed: the local transaction (or another check-back) wrote it, and the insert
            // waited until it finished. A new read sees the committed outcome.
            return log.find(txId).map(found -> new Decision(found, Decision.Basis.LOGGED))
                .orElse(Decision.unknown(Decision.Basis.FAILED));
        } catch (SQLException | RuntimeException e) {
            LOG.warn("the decision on transaction {} is UNKNOWN: the transaction log could not be read ({}); it is asked "
                + "again", txId, e.toString());
            return Decision.unknown(Decision.Basis.FAILED);
        }
    }

    /** The log's retention horizon, for messages. */
    public RetentionHorizon horizon() {
        return horizon;
    }
}
