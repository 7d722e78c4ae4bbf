package dev.txmsg.rocketmq.send;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.micrometer.observation.Observation;

import dev.txmsg.api.FencedByCheckBackException;
import dev.txmsg.api.HalfMessageNotSentException;
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
import dev.txmsg.api.spi.LogEntry;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics.SendOutcome;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;
import dev.txmsg.rocketmq.wire.HalfMessages;

/**
 * The protocol of one transactional send of one or more messages, driven step by step:
 * <ol>
 * <li>send every half message (their round trips overlap step 2 unless configured otherwise);</li>
 * <li>in the local transaction: the log rows ({@code COMMITTED}, one statement, first, taking the
 *     rows' locks early), the executor (which may add messages: each is sent and logged at once),
 *     then wait until the broker confirmed every half message, then commit;</li>
 * <li>end each transaction, one-way: COMMIT, or ROLLBACK after any failure. Inside a surrounding
 *     transaction the ends wait for its outcome, in {@code afterCompletion}.</li>
 * </ol>
 * A lost end, an unknown commit or a dead process is settled by the check-back from the log, each
 * message from its own row.
 */
public final class SendFlow implements SendPath {

    private static final Logger LOG = LoggerFactory.getLogger(SendFlow.class);

    private final TransactionEnds ends;
    private final HalfMessageSender halfSender;
    private final HalfMessages halfMessages;
    private final TransactionLog log;
    private final LocalTransactions transactions;
    private final TxMsgMetrics metrics;
    private final RunningTransactions running;
    private final int maxMessages;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param ends         sends the end-transaction requests
     * @param halfSender   sends half messages
     * @param halfMessages turns messages into half messages (and validates them)
     * @param log          the transaction log
     * @param transactions opens local transactions
     * @param metrics      where outcomes are counted
     * @param running      where sends under way are registered for the check-back
     * @param maxMessages  the most messages one local transaction may publish
     */
    public SendFlow(TransactionEnds ends, HalfMessageSender halfSender, HalfMessages halfMessages, TransactionLog log,
                    LocalTransactions transactions, TxMsgMetrics metrics, RunningTransactions running, int maxMessages) {
        this.ends = Objects.requireNonNull(ends, "ends");
        this.halfSender = Objects.requireNonNull(halfSender, "halfSender");
        this.halfMessages = Objects.requireNonNull(halfMessages, "halfMessages");
        this.log = Objects.requireNonNull(log, "log");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.running = Objects.requireNonNull(running, "running");
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
        this.maxMessages = maxMessages;
        metrics.inFlightSends(inFlight);
    }

    /**
     * Runs one local transaction publishing {@code messages}, validated first: nothing is written
     * or sent unless every one of them is valid.
     *
     * @return one receipt per message, in order, then those the executor added
     */
    @Override
    public <A> List<SendReceipt> run(List<TxMessage> messages, LocalTransactionExecutor<A> executor, A arg) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(messages, "messages");
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no message to send: give at least one");
        }
        if (messages.size() > maxMessages) {
            throw new IllegalArgumentException(messages.size() + " messages in one transaction; at most " + maxMessages
                + " are allowed (txmsg.send.max-messages, SenderOptions.withMaxMessages)");
        }
        Batch batch = new Batch();
        for (int i = 0; i < messages.size(); i++) {
            TxMessage message = Objects.requireNonNull(messages.get(i), "message " + i + " of the list is null");
            batch.add(new Pending(message, halfMessages.create(message), false));
        }
        transactions.verifyBeforeSend();
        long start = System.nanoTime();
        SendOutcome outcome = SendOutcome.FAILED;
        boolean joined = false;
        Pending head = batch.first();
        MessageTracing.Step step = metrics.tracing().startSend(metrics.group(), head.message.topic(), head.message.tag(),
            head.txId, String.join(" ", head.message.keys()), batch.size());
        try {
            batch.propagate(step.propagation());
        } catch (RuntimeException e) { // a propagator field RocketMQ refuses as a property name
            step.error(e).stop();
            throw e;
        }
        inFlight.incrementAndGet();
        for (Pending p : batch.all()) {
            running.started(p.txId);
        }
        try (Observation.Scope scope = step.open()) {
            List<SendReceipt> receipts = protocol(batch, executor, arg, start);
            joined = receipts.get(0).state() == TransactionState.UNKNOWN;
            outcome = joined ? null : SendOutcome.COMMITTED; // joined: counted at completion
            return receipts;
        } catch (FencedByCheckBackException e) {
            outcome = SendOutcome.FENCED;
            step.error(e);
            throw e;
        } catch (HalfMessageNotSentException e) {
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
            if (!joined) {
                for (Pending p : batch.all()) {
                    running.finished(p.txId);
                }
            }
            if (outcome != null) {
                metrics.send(outcome, batch.size(), Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private <A> List<SendReceipt> protocol(Batch batch, LocalTransactionExecutor<A> executor, A arg, long start) {
        for (Pending p : batch.all()) {
            p.future = halfSender.send(p.half);
        }
        for (Pending p : batch.all()) {
            if (p.future.isCompletedExceptionally()) {
                abandonAll(batch, p, null);
                awaitStored(p); // throws: nothing was sent, so nothing local may start
            }
        }
        Pending first = batch.first();
        LocalTransaction tx;
        try {
            tx = transactions.begin();
        } catch (Exception e) {
            abandonAll(batch, null, e);
            throw new TransactionNotStartedException(first.txId, e);
        }
        try {
            if (batch.size() == 1) {
                log.append(tx.connection(), first.txId, first.message.topic());
            } else {
                log.append(tx.connection(), batch.logEntries());
            }
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            abandonAll(batch, null, e);
            if (e instanceof FencedByCheckBackException fenced) {
                throw fenced;
            }
            throw new LogRowNotWrittenException(first.txId, e);
        }
        Context context = new Context(batch, tx.connection());
        try {
            executor.execute(context, arg);
        } catch (Throwable e) {
            context.close();
            tx.rollback();
            abandonAll(batch, null, e);
            if (e instanceof RuntimeException || e instanceof Error) {
                throw sneaky(e);
            }
            throw new LocalTransactionException(first.txId, (Exception) e);
        }
        RuntimeException refused = context.close();
        if (refused != null) {
            // An added message failed and the executor went on: the transaction must not commit without it.
            tx.rollback();
            abandonAll(batch, null, refused);
            throw refused;
        }
        boolean aborted;
        try {
            aborted = dev.txmsg.rocketmq.tx.AbortedTransactions.isAborted(tx.connection());
        } catch (SQLException e) {
            tx.rollback();
            abandonAll(batch, null, e);
            throw new LogRowNotWrittenException(first.txId, e);
        }
        if (aborted) {
            // PostgreSQL aborted the transaction at an error the executor caught: nothing of it commits
            tx.rollback();
            abandonAll(batch, null, null);
            throw new TransactionRollbackOnlyException(first.txId);
        }
        try {
            undoneByASavepoint(batch, tx.connection());
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            abandonAll(batch, null, e);
            throw new LogRowNotWrittenException(first.txId, e);
        }
        for (Pending p : batch.all()) {
            try {
                p.sent = awaitStored(p);
            } catch (HalfMessageNotSentException e) {
                tx.rollback();
                abandonAll(batch, p, e);
                throw e;
            }
        }
        endUndone(batch);
        LocalTransaction.Outcome committed;
        try {
            committed = tx.commit();
        } catch (Exception e) {
            // Committed or not, nobody knows: end nothing; the check-back reads the log.
            throw new TransactionOutcomeUnknownException(first.txId, e);
        }
        if (committed == LocalTransaction.Outcome.ROLLED_BACK) {
            endKept(batch, LocalTransactionState.ROLLBACK_MESSAGE);
            throw new TransactionRollbackOnlyException(first.txId);
        }
        if (tx.joinsSurrounding()) {
            tx.onSurroundingCompletion(state -> afterSurrounding(batch, state, start));
            return batch.receipts(TransactionState.UNKNOWN);
        }
        endKept(batch, LocalTransactionState.COMMIT_MESSAGE);
        return batch.receipts(TransactionState.COMMITTED);
    }

    /** Ends every message that follows the transaction's outcome with {@code state}. */
    private void endKept(Batch batch, LocalTransactionState state) {
        for (Pending p : batch.all()) {
            if (!p.undone) {
                end(p.half, p.sent, state, null);
            }
        }
    }

    /** Rolls back the messages whose rows a rollback to a savepoint undid. */
    private void endUndone(Batch batch) {
        for (Pending p : batch.all()) {
            if (p.undone) {
                end(p.half, p.sent, LocalTransactionState.ROLLBACK_MESSAGE, null);
            }
        }
    }

    /**
     * Messages added while the executor ran wrote their rows where the executor was: a rollback to a
     * savepoint taken before may have undone a row since. Such a message follows its row: it is
     * rolled back, the others commit. A row {@code send} itself wrote is gone only if the database
     * rolled the whole transaction back under the executor (a deadlock it caught, say): then nothing
     * may commit. Asked only when messages were added; a send without added messages pays nothing.
     */
    private void undoneByASavepoint(Batch batch, Connection connection) throws SQLException {
        if (!batch.hasAdded()) {
            return;
        }
        Set<String> written = log.written(connection, batch.ids());
        for (Pending p : batch.all()) {
            if (written.contains(p.txId)) {
                continue;
            }
            if (!p.added) {
                throw new IllegalStateException("the log row of transaction " + p.txId + " was undone before the commit: the "
                    + "database rolled the local transaction back under the executor (a deadlock or a timeout the executor "
                    + "caught?) or the executor rolled back to a savepoint taken before the send; nothing is committed");
            }
            p.undone = true;
        }
    }

    /** The surrounding transaction completed: now the messages' outcome is known (or not). */
    private void afterSurrounding(Batch batch, TransactionState state, long start) {
        for (Pending p : batch.all()) {
            running.finished(p.txId);
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        switch (state) {
            case COMMITTED -> {
                endKept(batch, LocalTransactionState.COMMIT_MESSAGE);
                metrics.send(SendOutcome.COMMITTED, batch.size(), latency);
            }
            case ROLLED_BACK -> {
                endKept(batch, LocalTransactionState.ROLLBACK_MESSAGE);
                metrics.send(SendOutcome.ROLLED_BACK, batch.size(), latency);
            }
            case UNKNOWN -> metrics.send(SendOutcome.UNKNOWN, batch.size(), latency); // the check-backs decide
        }
    }

    /**
     * After a failure: every half message but {@code except} (whose failure is being reported) is
     * rolled back — at once if the broker's answer is in, else once it comes — so that none lingers
     * until check-backs.
     */
    private void abandonAll(Batch batch, Pending except, Throwable cause) {
        for (Pending p : batch.all()) {
            if (p == except) {
                continue;
            }
            if (p.sent != null) {
                end(p.half, p.sent, LocalTransactionState.ROLLBACK_MESSAGE, cause);
            } else if (p.future != null) {
                abandon(p.half, p.future, cause);
            }
        }
    }

    private SendResult awaitStored(Pending p) {
        return awaitStored(p.half, p.txId, p.future);
    }

    /** Waits for the broker's answer to the half send; anything but a durable store is a failure. */
    private SendResult awaitStored(Message half, String txId, CompletableFuture<SendResult> pending) {
        SendResult sent;
        try {
            sent = pending.get(halfSender.maxWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CallNotPermittedException) {
                throw new HalfMessageNotSentException("the broker is unavailable (txmsg's circuit breaker is open after recent "
                    + "send failures): transaction " + txId + " for topic " + half.getTopic() + " was not started, nothing was "
                    + "written or sent. Retry later.", txId, cause);
            }
            throw new HalfMessageNotSentException("the broker did not store the half message of transaction " + txId
                + " for topic " + half.getTopic() + " (" + cause + "); nothing was committed. Retry the send.", txId, cause);
        } catch (TimeoutException e) {
            throw new HalfMessageNotSentException("no answer from the broker for the half message of transaction " + txId
                + " within " + halfSender.maxWait() + "; nothing was committed (should the broker have it, its "
                + "check-back rolls it back). Retry the send.", txId, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HalfMessageNotSentException("interrupted while waiting for the broker; transaction " + txId
                + " was rolled back", txId, e);
        }
        if (sent.getTransactionId() == null) {
            sent.setTransactionId(txId);
        }
        if (sent.getSendStatus() != SendStatus.SEND_OK) {
            end(half, sent, LocalTransactionState.ROLLBACK_MESSAGE, null);
            throw new HalfMessageNotSentException("the broker stored the half message of transaction " + txId + " but reported "
                + sent.getSendStatus() + "; it was rolled back and nothing was committed. Retry the send.", txId, null);
        }
        return sent;
    }

    /** After a local failure: wait for the half send and roll it back, so that it does not linger until check-backs. */
    private void abandon(Message half, CompletableFuture<SendResult> pending, Throwable cause) {
        SendResult sent;
        try {
            sent = pending.get(halfSender.maxWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            return; // never stored, or unknown: a check-back, if any, fences it
        }
        if (sent.getTransactionId() == null) {
            sent.setTransactionId(MessageClientIDSetter.getUniqID(half));
        }
        end(half, sent, LocalTransactionState.ROLLBACK_MESSAGE, cause);
    }

    private void end(Message half, SendResult sent, LocalTransactionState state, Throwable cause) {
        try {
            ends.end(half, sent, state, cause);
        } catch (Exception e) {
            metrics.endFailed();
            LOG.warn("end-transaction {} of transaction {} was not sent ({}); the broker's check-back settles it",
                state, sent.getTransactionId(), e.toString());
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable e) throws T {
        throw (T) e;
    }

    /** One message of a send: what the application gave, its half message, and the broker's answer. */
    private static final class Pending {
        final TxMessage message;
        final Message half;
        final String txId;
        final boolean added;
        CompletableFuture<SendResult> future;
        SendResult sent;
        /** Its row was undone by a rollback to a savepoint: rolled back, whatever the transaction does. */
        boolean undone;

        Pending(TxMessage message, Message half, boolean added) {
            this.message = message;
            this.half = half;
            this.txId = MessageClientIDSetter.getUniqID(half);
            this.added = added;
        }
    }

    /**
     * The messages of one local transaction, in order: those given, then those added. Only the
     * executor's {@code addMessage} adds concurrently, under the context's lock; the sending thread
     * reads the list itself before the executor runs and after the context closed (a happens-before
     * edge through that lock), so it iterates without copying.
     */
    private static final class Batch {
        private final List<Pending> messages = new ArrayList<>(2);
        private final List<Pending> view = Collections.unmodifiableList(messages);
        private volatile boolean added;

        /** The trace context every message of the batch carries (empty without a tracer). */
        private Map<String, String> propagation = Map.of();

        synchronized void add(Pending p) {
            messages.add(p); // an added message has its trace context already, written before its half send
            added |= p.added;
        }

        /**
         * Writes the send's trace context into the messages given to the send (before their half sends);
         * a message the executor adds takes it from {@link #propagation()} before its own.
         */
        synchronized void propagate(Map<String, String> fields) {
            propagation = fields;
            for (Pending p : messages) {
                fields.forEach(p.half::putUserProperty);
            }
        }

        synchronized Map<String, String> propagation() {
            return propagation;
        }

        /** The messages, not copied: for the sending thread (see above). */
        List<Pending> all() {
            return view;
        }

        synchronized int size() {
            return messages.size();
        }

        synchronized Pending first() {
            return messages.get(0);
        }

        /** Whether the executor added any. */
        boolean hasAdded() {
            return added;
        }

        /** The ids, copied: safe from any thread. */
        synchronized List<String> ids() {
            List<String> ids = new ArrayList<>(messages.size());
            for (Pending p : messages) {
                ids.add(p.txId);
            }
            return ids;
        }

        synchronized List<LogEntry> logEntries() {
            List<LogEntry> entries = new ArrayList<>(messages.size());
            for (Pending p : messages) {
                entries.add(new LogEntry(p.txId, p.message.topic()));
            }
            return entries;
        }

        synchronized List<SendReceipt> receipts(TransactionState state) {
            if (messages.size() == 1) {
                Pending p = messages.get(0);
                return List.of(new SendReceipt(p.sent.getMsgId(), p.txId, p.message.topic(), state));
            }
            List<SendReceipt> receipts = new ArrayList<>(messages.size());
            for (Pending p : messages) {
                receipts.add(new SendReceipt(p.sent.getMsgId(), p.txId, p.message.topic(),
                    p.undone ? TransactionState.ROLLED_BACK : state));
            }
            return Collections.unmodifiableList(receipts);
        }
    }

    /** The executor's view of its transaction; it adds messages until the executor returns. */
    private final class Context implements TransactionContext {
        private final Batch batch;
        private final Connection connection;
        private boolean closed;
        /** The first failure of an added message after it was valid: the transaction must roll back. */
        private RuntimeException refused;

        Context(Batch batch, Connection connection) {
            this.batch = batch;
            this.connection = connection;
        }

        @Override
        public String transactionId() {
            return batch.first().txId;
        }

        @Override
        public TxMessage message() {
            return batch.first().message;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public List<String> transactionIds() {
            return batch.ids();
        }

        @Override
        public synchronized String addMessage(TxMessage message) {
            Objects.requireNonNull(message, "message");
            if (closed) {
                throw new IllegalStateException("transaction " + batch.first().txId + " has ended its executor: messages are "
                    + "added from within it, while its local transaction runs");
            }
            if (batch.size() >= maxMessages) {
                throw new IllegalStateException("transaction " + batch.first().txId + " holds " + batch.size()
                    + " messages, the most allowed (txmsg.send.max-messages, SenderOptions.withMaxMessages); nothing was added");
            }
            Pending p = new Pending(message, halfMessages.create(message), true);
            batch.propagation().forEach(p.half::putUserProperty); // before its half send
            running.started(p.txId); // before the half send: a check-back in between must not fence it
            try {
                p.future = halfSender.send(p.half);
                if (p.future.isCompletedExceptionally()) {
                    awaitStored(p); // throws: the broker refused it
                }
            } catch (RuntimeException e) {
                running.finished(p.txId);
                throw refuse(e);
            }
            try {
                log.append(connection, p.txId, message.topic());
            } catch (SQLException | RuntimeException e) {
                running.finished(p.txId);
                abandon(p.half, p.future, e);
                throw refuse(e instanceof FencedByCheckBackException fenced ? fenced : new LogRowNotWrittenException(p.txId, e));
            }
            batch.add(p);
            return p.txId;
        }

        private RuntimeException refuse(RuntimeException e) {
            if (refused == null) {
                refused = e;
            }
            return e;
        }

        /** Ends the executor's time: no message may be added any more; returns an added message's failure, if any. */
        synchronized RuntimeException close() {
            closed = true;
            return refused;
        }
    }
}
