package dev.txmsg.api;

/**
 * A broker check-back found no transaction-log row and rolled the transaction back before the
 * local transaction wrote its row (a long pause between the send and the transaction: GC, an
 * exhausted connection pool). The local transaction was rolled back; nothing was committed and
 * nothing will be delivered. Safe to retry the whole send.
 */
public class FencedByCheckBackException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /**
     * @param transactionId the fenced transaction
     * @param cause         the database's duplicate-key error
     */
    public FencedByCheckBackException(String transactionId, Throwable cause) {
        super("transaction " + transactionId + " was fenced by a check-back: the broker asked before the local "
            + "transaction wrote its log row, and the check-back rolled it back. The local transaction was rolled "
            + "back; nothing was committed or delivered. Retry the send.", transactionId, cause);
    }
}
