package dev.txmsg.api;

/**
 * The transaction-log row could not be written (a database error other than a fence: the table
 * is missing, a constraint, a lost connection): the local transaction and the message were rolled
 * back, and the executor did not run. Safe to retry the whole send once the cause is fixed.
 */
public class LogRowNotWrittenException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param transactionId the rolled-back transaction
     * @param cause         the database's error
     */
    public LogRowNotWrittenException(String transactionId, Throwable cause) {
        super("could not write the transaction-log row of transaction " + transactionId + " (" + cause + "); the local "
            + "transaction and the message were rolled back, and the executor did not run", transactionId, cause);
    }
}
