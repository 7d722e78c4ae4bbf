package dev.txmsg.rocketmq.tx.spring;

import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

import javax.sql.DataSource;

import org.springframework.transaction.ConfigurableTransactionManager;
import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The transactions of this thread that have begun to commit or roll back. From then on, until
 * Spring cleans up, a transaction still looks open: code in an {@code afterCommit} or
 * {@code afterCompletion} callback (a {@code @TransactionalEventListener}, say) sees its
 * connection bound and its synchronization active. A send there must not join it: nothing would
 * commit the log row. Spring's advice for such code is a transaction of its own, and that is what
 * a send gets.
 *
 * <p>Observed through a {@link TransactionExecutionListener} on the transaction manager, which
 * hears a new transaction's commit or rollback just before it happens; the connection holders of
 * completing transactions are kept per thread, weakly.
 */
final class CompletingTransactions implements TransactionExecutionListener {

    private static final ThreadLocal<Set<Object>> COMPLETING =
        ThreadLocal.withInitial(() -> Collections.newSetFromMap(new WeakHashMap<>()));

    private final DataSource dataSource;

    private CompletingTransactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Observes the transactions {@code transactionManager} runs on {@code dataSource} (once per pair). */
    static synchronized void observe(ConfigurableTransactionManager transactionManager, DataSource dataSource) {
        boolean observed = transactionManager.getTransactionExecutionListeners().stream()
            .anyMatch(l -> l instanceof CompletingTransactions c && c.dataSource == dataSource);
        if (!observed) {
            transactionManager.addListener(new CompletingTransactions(dataSource));
        }
    }

    /** Whether the transaction that bound {@code holder} has begun to commit or roll back. */
    static boolean isCompleting(Object holder) {
        return COMPLETING.get().contains(holder);
    }

    @Override
    public void beforeCommit(TransactionExecution transaction) {
        mark(transaction);
    }

    @Override
    public void beforeRollback(TransactionExecution transaction) {
        mark(transaction);
    }

    @Override
    public void afterCommit(TransactionExecution transaction, Throwable failure) {
        unmark(transaction);
    }

    @Override
    public void afterRollback(TransactionExecution transaction, Throwable failure) {
        unmark(transaction);
    }

    private void mark(TransactionExecution transaction) {
        if (transaction.isNewTransaction() && !transaction.isNested()) {
            Object holder = TransactionSynchronizationManager.getResource(dataSource);
            if (holder != null) {
                COMPLETING.get().add(holder);
            }
        }
    }

    private void unmark(TransactionExecution transaction) {
        if (transaction.isNewTransaction() && !transaction.isNested()) {
            Object holder = TransactionSynchronizationManager.getResource(dataSource);
            if (holder != null) {
                COMPLETING.get().remove(holder);
            }
        }
    }
}
