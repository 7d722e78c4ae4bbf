package dev.txmsg.faults.agent;

/**
 * The faults the agent can arm; one at a time. Kill faults end the JVM with
 * {@code Runtime.halt} — no shutdown hooks, no flushing, sockets closed by the OS — as SIGKILL would.
 */
public enum Fault {
    /** F1: killed when the broker has accepted a half message, before the local transaction commits. */
    KILL_AFTER_HALF_ACCEPTED,
    /** F2, F7: killed inside a local transaction, after its business SQL (the marker), before COMMIT. */
    KILL_BEFORE_COMMIT,
    /** F3: killed after the local COMMIT, before the end-transaction is sent. */
    KILL_BEFORE_END,
    /** F4: end-transaction requests lost (with a probability), the process running on. */
    LOSE_ENDS,
    /** F5: the database connection of a check-back killed ({@code KILL <id>}) while the check-back uses it (with a probability). */
    KILL_CHECK_BACK_CONNECTIONS,
    /** F8: killed right after a COMMIT whose transaction ran the marker SQL (a consumer, before its acknowledgement). */
    KILL_AFTER_COMMIT,
    /** F11: the database unreachable for the application (new connections fail) until disarmed. */
    DATABASE_UNREACHABLE,
    /** F12 (outbox mode): killed when the broker has taken a batch of the outbox relay, before its rows are deleted. */
    KILL_AFTER_PUBLISHED
}
