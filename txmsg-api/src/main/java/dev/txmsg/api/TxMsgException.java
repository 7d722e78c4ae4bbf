package dev.txmsg.api;

/** Base of txmsg's exceptions; carries the transaction id where there is one. */
public class TxMsgException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String transactionId;

    /**
     * @param message       what happened, what was left untouched, and what to do
     * @param transactionId the transaction concerned, or {@code null}
     * @param cause         the underlying failure, or {@code null}
     */
    public TxMsgException(String message, String transactionId, Throwable cause) {
        super(message, cause);
        this.transactionId = transactionId;
    }

    /** The transaction concerned, or {@code null} if none was assigned yet. */
    public String transactionId() {
        return transactionId;
    }
}
