package dev.txmsg.rocketmq.check;

import java.util.Objects;

import dev.txmsg.api.TransactionState;

/**
 * What the transaction log says about a transaction, and why: the answer to a check-back, and
 * what the in-doubt watcher does with an exhausted half message.
 *
 * @param state the state to report
 * @param basis how it was decided
 */
public record Decision(TransactionState state, Basis basis) {

    /** How a decision was reached. */
    public enum Basis {
        /** The message was written by another transaction log (another service sharing the group by mistake): UNKNOWN. */
        FOREIGN,
        /** A send of this process still runs the transaction: UNKNOWN, nothing read. */
        RUNNING,
        /** The log row says so. */
        LOGGED,
        /** No row, and the message is older than the log's retention: its row may have been purged; UNKNOWN. */
        BEYOND_RETENTION,
        /** No row: this decision wrote ROLLED_BACK, so the transaction can never commit. */
        FENCED,
        /** The log could not be read (the database is down, a lock wait timed out): UNKNOWN. */
        FAILED,
        /** A decorator of the check listener answered itself. */
        DECORATED
    }

    /** Checks the components. */
    public Decision {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(basis, "basis");
    }

    static Decision unknown(Basis basis) {
        return new Decision(TransactionState.UNKNOWN, basis);
    }
}
