package dev.txmsg.api;

/**
 * The executor returned normally, but its local transaction had been marked rollback-only (a
 * transactional call inside it failed and the executor caught the failure), or the database had
 * aborted it (PostgreSQL ends a transaction at its first error, which the executor caught): it was
 * rolled back, with its message. Nothing was committed or delivered. Retrying repeats the executor's failure
 * unless its cause is fixed.
 */
public class TransactionRollbackOnlyException extends TxMsgException {

    private static final long serialVersionUID = 1L;

    /** @param transactionId the rolled-back transaction */
    public TransactionRollbackOnlyException(String transactionId) {
        super("transaction " + transactionId + " was marked rollback-only (a transactional call inside the executor failed) "
            + "or aborted by the database (an error the executor caught, on PostgreSQL), and was rolled back, with its message",
            transactionId, null);
    }
}
