package dev.txmsg.rocketmq.tx.spring;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.txmsg.api.TransactionState;

/**
 * The sends that joined one surrounding transaction, and the savepoints taken in it since txmsg
 * first joined: the message follows its log row, not the outermost transaction. A rollback to a
 * savepoint taken before a send's own savepoint removed that send's log row, so its message is
 * rolled back even if the surrounding transaction then commits. A savepoint txmsg never saw was
 * taken before txmsg joined, so before every send it knows.
 *
 * <p>Registered once per transaction as a synchronization; Spring calls it on the transaction's
 * thread, so it needs no locking.
 */
final class JoinedSends implements TransactionSynchronization {

    private final Map<Object, Long> savepoints = new IdentityHashMap<>();
    private final List<Send> sends = new ArrayList<>();
    private java.sql.Connection connection;
    private long sequence;

    private JoinedSends() {
    }

    /** The instance of the current transaction, registered on first use. */
    static JoinedSends current() {
        for (TransactionSynchronization s : TransactionSynchronizationManager.getSynchronizations()) {
            if (s instanceof JoinedSends sends) {
                return sends;
            }
        }
        JoinedSends sends = new JoinedSends();
        TransactionSynchronizationManager.registerSynchronization(sends);
        return sends;
    }

    /** The connection of the transaction (txmsg joins only a transaction that holds its DataSource's). */
    void watch(java.sql.Connection connection) {
        this.connection = connection;
    }

    /**
     * Refuses to commit a transaction that PostgreSQL aborted at an error the application caught
     * after a send: its COMMIT would roll back without a word while Spring reported it committed,
     * and the message would follow a transaction that did not happen. Spring rolls back instead
     * and the caller sees this exception; the messages are rolled back. (Not a
     * {@code TransactionException}: Spring would report such a commit failure's outcome as unknown
     * and not roll back.)
     */
    @Override
    public void beforeCommit(boolean readOnly) {
        if (connection != null && !sends.isEmpty() && SpringLocalTransactions.aborted(connection)) {
            throw new IllegalStateException("the database aborted this transaction at an "
                + "error that was caught after txmsg sent in it (PostgreSQL ends a transaction at its first error, and a COMMIT "
                + "would roll it back without a word): rolled back instead, with its " + sends.size() + " message(s). Let the "
                + "error roll the transaction back, or catch it inside a savepoint (PROPAGATION_NESTED).");
        }
    }

    /** The position of the latest savepoint: right after txmsg took its own, that savepoint's. */
    long mark() {
        return sequence;
    }

    /** Follows a send whose log row was written after the savepoint at {@code position}. */
    void add(long position, Consumer<TransactionState> outcome) {
        sends.add(new Send(position, outcome));
    }

    @Override
    public void savepoint(Object savepoint) {
        savepoints.put(savepoint, ++sequence);
    }

    @Override
    public void savepointRollback(Object savepoint) {
        long position = savepoints.getOrDefault(savepoint, 0L);
        for (Send send : sends) {
            if (send.position >= position) {
                send.rolledBack = true;
            }
        }
        savepoints.values().removeIf(p -> p > position);
    }

    @Override
    public void afterCompletion(int status) {
        for (Send send : sends) {
            send.outcome.accept(switch (status) {
                case STATUS_COMMITTED -> send.rolledBack ? TransactionState.ROLLED_BACK : TransactionState.COMMITTED;
                case STATUS_ROLLED_BACK -> TransactionState.ROLLED_BACK;
                default -> send.rolledBack ? TransactionState.ROLLED_BACK : TransactionState.UNKNOWN;
            });
        }
    }

    private static final class Send {
        final long position;
        final Consumer<TransactionState> outcome;
        boolean rolledBack;

        Send(long position, Consumer<TransactionState> outcome) {
            this.position = position;
            this.outcome = outcome;
        }
    }
}
