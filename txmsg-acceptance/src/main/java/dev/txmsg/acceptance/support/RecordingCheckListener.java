package dev.txmsg.acceptance.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.txmsg.api.TransactionState;
import dev.txmsg.api.spi.CheckListener;
import dev.txmsg.api.spi.CheckRequest;

/** Decorates the real check listener and records what the broker asked and what was answered. */
public final class RecordingCheckListener implements CheckListener {

    private final CheckListener delegate;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Map<String, List<TransactionState>> answers = new ConcurrentHashMap<>();

    public RecordingCheckListener(CheckListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public TransactionState check(CheckRequest request) {
        started.add(request.transactionId());
        TransactionState answer = delegate.check(request);
        answers.computeIfAbsent(request.transactionId(), k -> new CopyOnWriteArrayList<>()).add(answer);
        return answer;
    }

    /** Whether a check-back for {@code txId} has begun. */
    public boolean started(String txId) {
        return started.contains(txId);
    }

    /** The answers given for {@code txId}, in order. */
    public List<TransactionState> answers(String txId) {
        return answers.getOrDefault(txId, List.of());
    }

    /** Whether any check-back was answered {@code state}. */
    public boolean anyAnswered(TransactionState state) {
        return answers.values().stream().anyMatch(a -> a.contains(state));
    }

    /** Whether any answer for {@code txId} was {@code state}. */
    public boolean answered(String txId, TransactionState state) {
        return answers(txId).contains(state);
    }
}
