package dev.txmsg.api.ops;

/**
 * The outcome of replaying one record.
 *
 * @param id      the dead letter's id or the transaction id
 * @param outcome what happened
 * @param detail  the failure, or {@code null}
 */
public record ReplayResult(String id, Outcome outcome, String detail) {

    /** What a replay did. */
    public enum Outcome {
        /** The message's effect was applied (dead letter) or the message delivered (in-doubt). */
        APPLIED,
        /** The consume log showed it applied already: nothing was done again. */
        ALREADY_APPLIED,
        /** It failed again; the record stays, with the new cause. */
        FAILED,
        /** The record is not waiting for an operator (already replayed or discarded) or does not exist. */
        NOT_PENDING
    }
}
