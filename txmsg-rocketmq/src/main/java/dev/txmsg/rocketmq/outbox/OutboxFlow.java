package dev.txmsg.rocketmq.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageDecoder;

import io.micrometer.observation.Observation;

import dev.txmsg.api.LocalTransactionException;
import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.api.LogRowNotWrittenException;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionContext;
import dev.txmsg.api.TransactionNotStartedException;
import dev.txmsg.api.TransactionOutcomeUnknownException;
import dev.txmsg.api.TransactionRollbackOnlyException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics.SendOutcome;
import dev.txmsg.rocketmq.send.SendPath;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.HalfMessages;
import dev.txmsg.rocketmq.wire.WireFormat;

/**
 * A send in outbox mode: one local transaction runs the executor and writes one outbox row per
 * message; once it commits, the relay is woken. Nothing reaches the broker before the commit, and
 * the caller waits for the local transaction alone.
 * <ul>
 * <li>Messages the executor adds are written when added, where the executor is (a rollback to a
 *     savepoint taken before undoes them); the messages given to {@code send} are written after the
 *     executor returned, so after the business rows it locked: two transactions that lock the same
 *     row write their messages in the order they commit, and the relay publishes a key's messages
 *     in the order they were written.</li>
 * <li>Inside a surrounding transaction the rows commit (or not) with it; the relay is woken after
 *     its commit.</li>
 * </ul>
 */
public final class OutboxFlow implements SendPath {

    private final HalfMessages messages;
    private final OutboxStore store;
    private final LocalTransactions transactions;
    private final TxMsgMetrics metrics;
    private final int maxMessages;
    private final int partitions;
    private final Waker waker;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** Told which partitions received messages, once they committed. */
    @FunctionalInterface
    public interface Waker {
        /** The partitions' new messages committed. */
        void committed(Set<Integer> partitions);
    }

    /**
     * @param messages     checks messages and gives them their form and id
     * @param store        the outbox
     * @param transactions opens local transactions
     * @param metrics      where outcomes are counted
     * @param maxMessages  the most messages one local transaction may publish
     * @param partitions   the outbox's partitions
     * @param waker        told after a commit
     */
    public OutboxFlow(HalfMessages messages, OutboxStore store, LocalTransactions transactions, TxMsgMetrics metrics, int maxMessages,
                      int partitions, Waker waker) {
        this.messages = Objects.requireNonNull(messages, "messages");
        this.store = Objects.requireNonNull(store, "store");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.maxMessages = maxMessages;
        this.partitions = partitions;
        this.waker = Objects.requireNonNull(waker, "waker");
        metrics.inFlightSends(inFlight);
    }

    /** The partition of a message: its first key's (so that a key's messages keep their order), else its id's. */
    public static int partition(String orderKey, String transactionId, int partitions) {
        // String.hashCode is specified: every JVM of the service puts a key in the same partition.
        return Math.floorMod((orderKey != null ? orderKey : transactionId).hashCode(), partitions);
    }

    @Override
    public <A> List<SendReceipt> run(List<TxMessage> given, LocalTransactionExecutor<A> executor, A arg) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(given, "messages");
        if (given.isEmpty()) {
            throw new IllegalArgumentException("no message to send: give at least one");
        }
        if (given.size() > maxMessages) {
            throw new IllegalArgumentException(given.size() + " messages in one transaction; at most " + maxMessages
                + " are allowed (txmsg.send.max-messages, SenderOptions.withMaxMessages)");
        }
        List<Pending> rows = new ArrayList<>(given.size());
        for (int i = 0; i < given.size(); i++) {
            TxMessage message = Objects.requireNonNull(given.get(i), "message " + i + " of the list is null");
            rows.add(pending(message, Map.of()));
        }
        transactions.verifyBeforeSend();
        long start = System.nanoTime();
        SendOutcome outcome = SendOutcome.FAILED;
        TxMessage head = rows.get(0).message;
        MessageTracing.Step step = metrics.tracing().startSend(metrics.group(), head.topic(), head.tag(),
            rows.get(0).row.transactionId(), String.join(" ", head.keys()), rows.size());
        Map<String, String> propagation = step.propagation();
        if (!propagation.isEmpty()) {
            try {
                rows.replaceAll(p -> pending(p.message, propagation)); // the rows carry the trace context to the relay
            } catch (RuntimeException e) {
                step.error(e).stop();
                throw e;
            }
            step.transactionId(rows.get(0).row.transactionId());     // and have new ids
        }
        inFlight.incrementAndGet();
        List<Pending> added = new ArrayList<>(0);
        try (Observation.Scope scope = step.open()) {
            List<SendReceipt> receipts = transaction(rows, added, executor, arg, start, propagation);
            outcome = receipts.get(0).state() == TransactionState.UNKNOWN ? null : SendOutcome.COMMITTED;
            return receipts;
        } catch (TransactionNotStartedException | LogRowNotWrittenException e) {
            outcome = SendOutcome.FAILED;
            step.error(e);
            throw e;
        } catch (TransactionOutcomeUnknownException e) {
            outcome = SendOutcome.UNKNOWN;
            step.error(e);
            throw e;
        } catch (RuntimeException | Error e) {
            outcome = SendOutcome.ROLLED_BACK;
            step.error(e);
            throw e;
        } finally {
            step.outcome(outcome == null ? "joined" : outcome).stop();
            inFlight.decrementAndGet();
            if (outcome != null) {
                metrics.send(outcome, rows.size() + added.size(), Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private <A> List<SendReceipt> transaction(List<Pending> rows, List<Pending> added, LocalTransactionExecutor<A> executor, A arg,
                                              long start, Map<String, String> propagation) {
        String firstId = rows.get(0).row.transactionId();
        LocalTransaction tx;
        try {
            tx = transactions.begin();
        } catch (Exception e) {
            throw new TransactionNotStartedException(firstId, e);
        }
        Context context = new Context(rows, added, tx.connection(), propagation);
        try {
            executor.execute(context, arg);
        } catch (Throwable e) {
            context.close();
            tx.rollback();
            if (e instanceof RuntimeException || e instanceof Error) {
                throw sneaky(e);
            }
            throw new LocalTransactionException(firstId, (Exception) e);
        }
        RuntimeException refused = context.close();
        if (refused != null) {
            tx.rollback(); // an added message failed and the executor went on: not without it
            throw refused;
        }
        boolean aborted;
        try {
            aborted = dev.txmsg.rocketmq.tx.AbortedTransactions.isAborted(tx.connection());
        } catch (SQLException e) {
            tx.rollback();
            throw new LogRowNotWrittenException(firstId, e);
        }
        if (aborted) {
            // PostgreSQL aborted the transaction at an error the executor caught: nothing of it commits
            tx.rollback();
            throw new TransactionRollbackOnlyException(firstId);
        }
        Set<String> undone;
        try {
            undone = added.isEmpty() ? Set.of() : undone(tx.connection(), added);
            store.insert(tx.connection(), rowsOf(rows));
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            throw new LogRowNotWrittenException(firstId, e);
        }
        LocalTransaction.Outcome committed;
        try {
            committed = tx.commit();
        } catch (Exception e) {
            // Committed or not, nobody knows; if it did, the relay finds the rows by polling.
            throw new TransactionOutcomeUnknownException(firstId, e);
        }
        if (committed == LocalTransaction.Outcome.ROLLED_BACK) {
            throw new TransactionRollbackOnlyException(firstId);
        }
        Set<Integer> touched = new HashSet<>();
        rows.forEach(p -> touched.add(p.row.partition()));
        added.forEach(p -> touched.add(p.row.partition()));
        if (tx.joinsSurrounding()) {
            int count = rows.size() + added.size();
            tx.onSurroundingCompletion(state -> {
                if (state == TransactionState.COMMITTED) {
                    waker.committed(touched);
                }
                metrics.send(switch (state) {
                    case COMMITTED -> SendOutcome.COMMITTED;
                    case ROLLED_BACK -> SendOutcome.ROLLED_BACK;
                    case UNKNOWN -> SendOutcome.UNKNOWN;
                }, count, Duration.ofNanos(System.nanoTime() - start));
            });
            return receipts(rows, added, undone, TransactionState.UNKNOWN);
        }
        waker.committed(touched);
        return receipts(rows, added, undone, TransactionState.COMMITTED);
    }

    /** Which added messages' rows a rollback to a savepoint undid (asked only when messages were added). */
    private static Set<String> undone(Connection c, List<Pending> added) throws SQLException {
        Set<String> missing = new HashSet<>();
        added.forEach(p -> missing.add(p.row.transactionId()));
        try (PreparedStatement s = c.prepareStatement("SELECT tx_id FROM " + OutboxStore.TABLE + " WHERE tx_id IN ("
            + "?, ".repeat(added.size() - 1) + "?)")) {
            for (int i = 0; i < added.size(); i++) {
                s.setString(i + 1, added.get(i).row.transactionId());
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    missing.remove(rs.getString(1));
                }
            }
        }
        return missing;
    }

    private static List<SendReceipt> receipts(List<Pending> rows, List<Pending> added, Set<String> undone, TransactionState state) {
        if (added.isEmpty() && rows.size() == 1) {
            return List.of(rows.get(0).receipt(state));
        }
        List<SendReceipt> receipts = new ArrayList<>(rows.size() + added.size());
        rows.forEach(p -> receipts.add(p.receipt(state)));
        added.forEach(p -> receipts.add(p.receipt(undone.contains(p.row.transactionId()) ? TransactionState.ROLLED_BACK : state)));
        return Collections.unmodifiableList(receipts);
    }

    private static List<OutboxStore.NewRow> rowsOf(List<Pending> pending) {
        if (pending.size() == 1) {
            return List.of(pending.get(0).row);
        }
        List<OutboxStore.NewRow> rows = new ArrayList<>(pending.size());
        pending.forEach(p -> rows.add(p.row));
        return rows;
    }

    private Pending pending(TxMessage message, Map<String, String> propagation) {
        Message m = messages.createNormal(message);
        propagation.forEach(m::putUserProperty);
        String txId = WireFormat.transactionId(m);
        String orderKey = message.keys().isEmpty() ? null : message.keys().get(0);
        String keys = message.keys().isEmpty() ? null : String.join(" ", message.keys());
        return new Pending(message, new OutboxStore.NewRow(txId, partition(orderKey, txId, partitions), m.getTopic(), message.tag(),
            keys, orderKey, m.getBody(), MessageDecoder.messageProperties2String(m.getProperties())));
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
        throw (T) e;
    }

    /** One message of a send and its row. */
    private record Pending(TxMessage message, OutboxStore.NewRow row) {
        SendReceipt receipt(TransactionState state) {
            return new SendReceipt(row.transactionId(), row.transactionId(), message.topic(), state, SendReceipt.Delivery.OUTBOX);
        }
    }

    /** The executor's view of its transaction; it adds messages (written at once) until the executor returns. */
    private final class Context implements TransactionContext {
        private final Pending first;
        private final List<Pending> given;
        private final List<Pending> added;
        private final Connection connection;
        private final Map<String, String> propagation;
        private boolean closed;
        private RuntimeException refused;

        Context(List<Pending> given, List<Pending> added, Connection connection, Map<String, String> propagation) {
            this.first = given.get(0);
            this.given = given;
            this.added = added;
            this.connection = connection;
            this.propagation = propagation;
        }

        @Override
        public String transactionId() {
            return first.row.transactionId();
        }

        @Override
        public TxMessage message() {
            return first.message;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public synchronized List<String> transactionIds() {
            List<String> ids = new ArrayList<>(given.size() + added.size());
            given.forEach(p -> ids.add(p.row.transactionId()));
            added.forEach(p -> ids.add(p.row.transactionId()));
            return ids;
        }

        @Override
        public synchronized String addMessage(TxMessage message) {
            Objects.requireNonNull(message, "message");
            if (closed) {
                throw new IllegalStateException("transaction " + transactionId() + " has ended its executor: messages are "
                    + "added from within it, while its local transaction runs");
            }
            if (given.size() + added.size() >= maxMessages) {
                throw new IllegalStateException("transaction " + transactionId() + " holds " + (given.size() + added.size())
                    + " messages, the most allowed (txmsg.send.max-messages, SenderOptions.withMaxMessages); nothing was added");
            }
            Pending p = pending(message, propagation);
            try {
                store.insert(connection, List.of(p.row));
            } catch (SQLException | RuntimeException e) {
                throw refuse(new LogRowNotWrittenException(p.row.transactionId(), e));
            }
            added.add(p);
            return p.row.transactionId();
        }

        private RuntimeException refuse(RuntimeException e) {
            if (refused == null) {
                refused = e;
            }
            return e;
        }

        synchronized RuntimeException close() {
            closed = true;
            return refused;
        }
    }
}
