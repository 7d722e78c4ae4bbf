package dev.txmsg.api;

/**
 * The local transaction's commit failed in a way that leaves its outcome unknown (for example,
 * the connection was lost during COMMIT). The message is not lost and not phantom: the broker's
 * check-back reads the transaction log and delivers the message if, and only if, the transaction
 * committed. Do not blindly retry: look the business data up first.
 */
public class TransactionOutcomeUnknownException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param transactionId the transaction whose outcome is unknown
     * @param cause         the commit's failure
     */
    public TransactionOutcomeUnknownException(String transactionId, Throwable cause) {
        super("the commit of transaction " + transactionId + " failed and its outcome is unknown: the broker's "
            + "check-back will deliver the message if, and only if, the transaction committed. Look the data up "
            + "before retrying.", transactionId, cause);
    }
}
