package dev.txmsg.api;

/**
 * The local transaction could not be begun (no connection from the pool, the database is down, a
 * transaction manager that refused): nothing was written, and the message was rolled back. Safe
 * to retry the whole send once the database answers.
 */
public class TransactionNotStartedException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param transactionId the transaction that did not start
     * @param cause         why
     */
    public TransactionNotStartedException(String transactionId, Throwable cause) {
        super("could not begin the local transaction of transaction " + transactionId + " (" + cause + "); the message was "
            + "rolled back and nothing was written. Retry the send once the database answers.", transactionId, cause);
    }
}
