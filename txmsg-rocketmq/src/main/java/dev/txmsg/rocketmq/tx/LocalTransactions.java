package dev.txmsg.rocketmq.tx;

/**
 * How txmsg opens the local transaction that holds the log row and the executor's work: plain
 * JDBC ({@link JdbcLocalTransactions}) or Spring-managed ({@link SpringLocalTransactions}, so that
 * {@code JdbcTemplate} and MyBatis take part).
 */
public interface LocalTransactions {

    /**
     * Begins a local transaction (or, where supported, joins a surrounding one under a savepoint).
     *
     * @throws Exception if no transaction could be begun; nothing was written
     */
    LocalTransaction begin() throws Exception;

    /**
     * Checks, before anything is sent, that a transaction can be begun or joined here (not a
     * read-only one, for instance). Must not do I/O: it runs before every send.
     *
     * @throws IllegalStateException saying why not; nothing was written or sent
     */
    default void verifyBeforeSend() {
    }
}
