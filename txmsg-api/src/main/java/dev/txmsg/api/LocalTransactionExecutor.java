package dev.txmsg.api;

/**
 * The business work of a transactional send: the SQL whose commit the message announces.
 *
 * <p>It runs inside the local transaction that txmsg opens (or joins), after txmsg's own
 * transaction-log row and before the commit. Use the application's usual data access: Spring's
 * {@code JdbcTemplate}, MyBatis mappers and JPA repositories take part in that transaction; plain
 * JDBC code uses {@link TransactionContext#connection()}.
 *
 * <p>To roll back, throw: the database work and the message are both rolled back, and the
 * exception reaches the caller of {@link TransactionalSender#send}. Executors are stateless in the
 * usual case and may be shared by any number of threads and sends.
 *
 * @param <A> the type of the argument handed through {@code send}
 */
@FunctionalInterface
public interface LocalTransactionExecutor<A> {

    /**
     * Does the business work.
     *
     * @param context the transaction id, the message and the connection of this transaction
     * @param arg     the argument given to {@code send}, possibly {@code null}
     * @throws Exception to roll back the local transaction and the message
     */
    void execute(TransactionContext context, A arg) throws Exception;
}
