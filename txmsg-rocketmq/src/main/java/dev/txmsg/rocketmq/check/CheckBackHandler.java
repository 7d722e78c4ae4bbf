package dev.txmsg.rocketmq.check;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.micrometer.observation.Observation;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckRequest;
import dev.txmsg.rocketmq.metrics.MessageTracing;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;
import dev.txmsg.rocketmq.wire.WireFormat;

/**
 * Answers the broker's check-backs through the {@link ConfiguredDecider}. The client runs it on
 * the check-back pool, never on its remoting threads. No error ever becomes ROLLBACK: what cannot
 * be decided is UNKNOWN, and the broker asks again.
 */
public final class CheckBackHandler implements TransactionListener {

    private static final Logger LOG = LoggerFactory.getLogger(CheckBackHandler.class);

    private final ConfiguredDecider decider;
    private final String group;
    private final TxMsgMetrics metrics;

    /**
     * @param decider decides the answers
     * @param group   the producer group being asked
     * @param metrics where answers are counted
     */
    public CheckBackHandler(ConfiguredDecider decider, String group, TxMsgMetrics metrics) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.group = Objects.requireNonNull(group, "group");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Not used: txmsg drives the protocol's steps itself and never calls {@code sendMessageInTransaction}. */
    @Override
    public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
        return LocalTransactionState.UNKNOW;
    }

    @Override
    public LocalTransactionState checkLocalTransaction(MessageExt msg) {
        CheckRequest request = WireFormat.checkRequest(msg, msg.getTopic(), group);
        MessageTracing.Step step = metrics.tracing().startReceived(MessageTracing.CHECK_BACK, group, request.topic(), msg.getTags(),
            request.transactionId(), msg.getKeys(), msg.getProperties());
        Decision decision;
        try (Observation.Scope scope = step.open()) {
            decision = decider.decide(request);
        } catch (RuntimeException | Error e) {
            step.outcome("error").error(e).stop();
            throw e;
        }
        TransactionState answer = decision.state();
        step.outcome(answer).stop();
        report(request, decision);
        metrics.checkBack(answer);
        return switch (answer) {
            case COMMITTED -> LocalTransactionState.COMMIT_MESSAGE;
            case ROLLED_BACK -> LocalTransactionState.ROLLBACK_MESSAGE;
            case UNKNOWN -> LocalTransactionState.UNKNOW;
        };
    }

    /** Counts and logs what deserves an alarm or a trace. */
    private void report(CheckRequest request, Decision decision) {
        String txId = request.transactionId();
        switch (decision.basis()) {
            case FOREIGN -> {
                metrics.foreign();
                LOG.error("check-back for transaction {} (topic {}, group {}) of another transaction log ({}; this one is {}): "
                        + "answered UNKNOWN. Another service or environment shares producer group {}; give each its own group.",
                    txId, request.topic(), request.producerGroup(),
                    request.logIdentity() == null ? "not sent by txmsg" : request.logIdentity(), decider.logIdentity(),
                    request.producerGroup());
            }
            case RUNNING -> metrics.stillRunning();
            case BEYOND_RETENTION -> {
                metrics.beyondRetention();
                LOG.error("check-back for transaction {} (topic {}) born {} finds no log row, but the message is older than "
                        + "the log's retention ({}): its row may have been purged, so nothing can be decided. Answered UNKNOWN; "
                        + "the broker gives up after its last check. Keep the retention above the broker's whole check window.",
                    txId, request.topic(), request.bornAt(), decider.horizon());
            }
            case FENCED -> {
                metrics.fenced();
                LOG.warn("check-back fenced transaction {} (topic {}): no log row {} after the send; answered ROLLBACK. "
                    + "Should its local transaction still run, it fails.", txId, request.topic(),
                    Duration.between(request.bornAt(), Instant.now()));
            }
            default -> {
                // LOGGED, FAILED (logged where it failed), DECORATED: nothing to add
            }
        }
    }
}
