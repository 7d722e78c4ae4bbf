package dev.txmsg.rocketmq.check;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckListenerDecorator;
import dev.txmsg.api.spi.CheckRequest;

/**
 * The {@link TransactionDecider} as the application configured it: decorated by its
 * {@link CheckListenerDecorator}s, if any. The check-back and the in-doubt watcher both ask it,
 * so a decorator sees — and may answer — both. Where a decorator passed txmsg's own decision on,
 * that decision's basis comes with it (the watcher needs to know a fence from a rolled-back row);
 * where it answered itself, the basis is {@link Decision.Basis#DECORATED}.
 */
public final class ConfiguredDecider {

    private static final Logger LOG = LoggerFactory.getLogger(ConfiguredDecider.class);

    private final TransactionDecider decider;
    private final CheckListener listener;
    /**
     * txmsg's own decisions while a decision is under way, by transaction id: a decorator may ask
     * the listener it wraps on another thread (a timeout, say), so that a thread-local would lose them.
     */
    private final Map<String, Decision> own = new ConcurrentHashMap<>();

    /**
     * @param decider    txmsg's own decisions
     * @param decorators outermost first (as Spring's {@code @Order} sorts them): the first is asked
     *                   first and the last wraps txmsg's own listener
     */
    public ConfiguredDecider(TransactionDecider decider, List<CheckListenerDecorator> decorators) {
        this.decider = Objects.requireNonNull(decider, "decider");
        CheckListener listener = request -> {
            Decision decision = decider.decide(request);
            own.put(request.transactionId(), decision);
            return decision.state();
        };
        for (int i = decorators.size() - 1; i >= 0; i--) {
            CheckListenerDecorator decorator = decorators.get(i);
            listener = Objects.requireNonNull(decorator.decorate(listener), () -> decorator + " returned no check listener");
        }
        this.listener = listener;
    }

    /** Where the log's retention begins, as decided against. */
    public dev.txmsg.rocketmq.log.RetentionHorizon horizon() {
        return decider.horizon();
    }

    /** The identity of the transaction log decided from. */
    public String logIdentity() {
        return decider.logIdentity();
    }

    /** Decides {@code request}'s transaction. Never throws: a decorator's exception is UNKNOWN. */
    public Decision decide(CheckRequest request) {
        own.remove(request.transactionId());
        TransactionState answer;
        try {
            answer = listener.check(request);
        } catch (RuntimeException | Error e) {
            LOG.warn("the check listener failed for transaction {}; answered UNKNOWN", request.transactionId(), e);
            answer = null;
        }
        Decision decided = own.remove(request.transactionId());
        if (answer == null) {
            return Decision.unknown(decided != null ? decided.basis() : Decision.Basis.DECORATED);
        }
        return decided != null && decided.state() == answer ? decided : new Decision(answer, Decision.Basis.DECORATED);
    }
}
