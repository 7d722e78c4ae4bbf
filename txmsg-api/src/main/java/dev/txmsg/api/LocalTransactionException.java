package dev.txmsg.api;

/**
 * The executor threw a checked exception, which is its {@link #getCause() cause}. The local
 * transaction and the message were rolled back. (Unchecked exceptions and errors of the executor
 * reach the caller unchanged, not wrapped.)
 */
public class LocalTransactionException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param transactionId the rolled-back transaction
     * @param cause         the executor's checked exception
     */
    public LocalTransactionException(String transactionId, Exception cause) {
        super("the executor of transaction " + transactionId + " threw " + cause + "; the local transaction and "
            + "the message were rolled back", transactionId, cause);
    }
}
