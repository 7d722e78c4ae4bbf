package dev.txmsg.api;

/** The state of a transactional message, as the transaction log and the check-back know it. */
public enum TransactionState {
    /** The local transaction committed: the message is (or will be) delivered. */
    COMMITTED,
    /** The local transaction rolled back, or was fenced: the message is never delivered. */
    ROLLED_BACK,
    /** Not decided yet, or not knowable now: the broker asks again later. */
    UNKNOWN
}
