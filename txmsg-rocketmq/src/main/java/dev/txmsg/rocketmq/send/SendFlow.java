package dev.txmsg.rocketmq.send;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageClientIDSetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;

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
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics.SendOutcome;
import dev.txmsg.rocketmq.tx.LocalTransaction;
import dev.txmsg.rocketmq.tx.LocalTransactions;

/**
 * The protocol of one transactional send, driven step by step:
 * <ol>
 * <li>send the half message (its round trip overlaps step 2 unless configured otherwise);</li>
 * <li>in the local transaction: the log row ({@code COMMITTED}, first statement, taking the row
 *     lock early), the executor, then wait until the broker confirmed the half message, then
 *     commit;</li>
 * <li>end the transaction, one-way: COMMIT, or ROLLBACK after any failure. Inside a surrounding
 *     transaction the end waits for its outcome, in {@code afterCompletion}.</li>
 * </ol>
 * A lost end, an unknown commit or a dead process is settled by the check-back from the log.
 */
public final class SendFlow {

    private static final Logger LOG = LoggerFactory.getLogger(SendFlow.class);

    private final TransactionMQProducer producer;
    private final HalfMessageSender halfSender;
    private final TransactionLog log;
    private final LocalTransactions transactions;
    private final TxMsgMetrics metrics;
    private final RunningTransactions running;
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param producer     the started producer, for the end-transaction
     * @param halfSender   sends half messages
     * @param log          the transaction log
     * @param transactions opens local transactions
     * @param metrics      where outcomes are counted
     * @param running        where sends under way are registered for the check-back
     */
    public SendFlow(TransactionMQProducer producer, HalfMessageSender halfSender, TransactionLog log,
                    LocalTransactions transactions, TxMsgMetrics metrics, RunningTransactions running) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.halfSender = Objects.requireNonNull(halfSender, "halfSender");
        this.log = Objects.requireNonNull(log, "log");
        this.transactions = Objects.requireNonNull(transactions, "transactions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.running = Objects.requireNonNull(running, "running");
        metrics.inFlightSends(inFlight);
    }

    /** Runs one send of {@code half}, the RocketMQ form of {@code message}. */
    public <A> SendReceipt run(TxMessage message, Message half, LocalTransactionExecutor<A> executor, A arg) {
        transactions.verifyBeforeSend();
        String txId = MessageClientIDSetter.getUniqID(half);
        long start = System.nanoTime();
        SendOutcome outcome = SendOutcome.FAILED;
        boolean joined = false;
        inFlight.incrementAndGet();
        running.started(txId);
        try {
            SendReceipt result = protocol(message, half, txId, executor, arg, start);
            joined = result.state() == TransactionState.UNKNOWN;
            outcome = joined ? null : SendOutcome.COMMITTED; // joined: counted at completion
            return result;
        } catch (FencedByCheckBackException e) {
            outcome = SendOutcome.FENCED;
            throw e;
        } catch (HalfMessageNotSentException e) {
            outcome = SendOutcome.FAILED;
            throw e;
        } catch (TransactionOutcomeUnknownException e) {
            outcome = SendOutcome.UNKNOWN;
            throw e;
        } catch (RuntimeException | Error e) {
            outcome = SendOutcome.ROLLED_BACK;
            throw e;
        } finally {
            inFlight.decrementAndGet();
            if (!joined) {
                running.finished(txId);
            }
            if (outcome != null) {
                metrics.send(outcome, Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private <A> SendReceipt protocol(TxMessage message, Message half, String txId,
                                                  LocalTransactionExecutor<A> executor, A arg, long start) {
        CompletableFuture<SendResult> pending = halfSender.send(half);
        if (pending.isCompletedExceptionally()) {
            awaitStored(half, txId, pending); // throws: nothing was sent, so nothing local may start
        }
        LocalTransaction tx;
        try {
            tx = transactions.begin();
        } catch (Exception e) {
            abandon(half, pending, e);
            throw new TransactionNotStartedException(txId, e);
        }
        try {
            log.append(tx.connection(), txId, message.topic());
        } catch (SQLException | RuntimeException e) {
            tx.rollback();
            abandon(half, pending, e);
            if (e instanceof FencedByCheckBackException fenced) {
                throw fenced;
            }
            throw new LogRowNotWrittenException(txId, e);
        }
        try {
            executor.execute(new Context(txId, message, tx.connection()), arg);
        } catch (Throwable e) {
            tx.rollback();
            abandon(half, pending, e);
            if (e instanceof RuntimeException || e instanceof Error) {
                throw sneaky(e);
            }
            throw new LocalTransactionException(txId, (Exception) e);
        }
        SendResult sent;
        try {
            sent = awaitStored(half, txId, pending);
        } catch (HalfMessageNotSentException e) {
            tx.rollback();
            throw e;
        }
        LocalTransaction.Outcome committed;
        try {
            committed = tx.commit();
        } catch (Exception e) {
            // Committed or not, nobody knows: end nothing; the check-back reads the log.
            throw new TransactionOutcomeUnknownException(txId, e);
        }
        if (committed == LocalTransaction.Outcome.ROLLED_BACK) {
            end(half, sent, LocalTransactionState.ROLLBACK_MESSAGE, null);
            throw new TransactionRollbackOnlyException(txId);
        }
        if (tx.joinsSurrounding()) {
            tx.onSurroundingCompletion(state -> afterSurrounding(txId, half, sent, state, start));
            return new SendReceipt(sent.getMsgId(), txId, message.topic(), TransactionState.UNKNOWN);
        }
        end(half, sent, LocalTransactionState.COMMIT_MESSAGE, null);
        return new SendReceipt(sent.getMsgId(), txId, message.topic(), TransactionState.COMMITTED);
    }

    /** The surrounding transaction completed: now the message's outcome is known (or not). */
    private void afterSurrounding(String txId, Message half, SendResult sent, TransactionState state, long start) {
        running.finished(txId);
        Duration latency = Duration.ofNanos(System.nanoTime() - start);
        switch (state) {
            case COMMITTED -> {
                end(half, sent, LocalTransactionState.COMMIT_MESSAGE, null);
                metrics.send(SendOutcome.COMMITTED, latency);
            }
            case ROLLED_BACK -> {
                end(half, sent, LocalTransactionState.ROLLBACK_MESSAGE, null);
                metrics.send(SendOutcome.ROLLED_BACK, latency);
            }
            case UNKNOWN -> metrics.send(SendOutcome.UNKNOWN, latency); // the check-back decides
        }
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
            producer.getDefaultMQProducerImpl().endTransaction(half, sent, state, cause);
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

    private record Context(String transactionId, TxMessage message, Connection connection) implements TransactionContext {
    }
}
