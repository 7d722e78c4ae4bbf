package dev.txmsg.api;

/**
 * The broker did not store the (half) message, or refused it: the local transaction was rolled
 * back (or never began), so nothing was committed and nothing will be delivered. Safe to retry
 * the whole send.
 */
public class HalfMessageNotSentException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message       what happened
     * @param transactionId the transaction concerned
     * @param cause         the transport's failure
     */
    public HalfMessageNotSentException(String message, String transactionId, Throwable cause) {
        super(message, transactionId, cause);
    }
}
