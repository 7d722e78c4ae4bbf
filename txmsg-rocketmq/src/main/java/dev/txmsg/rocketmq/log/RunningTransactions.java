package dev.txmsg.rocketmq.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The transactions whose send is under way in this process, from before the half message until
 * the end is sent (inside a surrounding transaction: until it completes). A check-back for one of
 * them needs no database: the transaction still runs, so the answer is UNKNOWN and the broker
 * asks again — rather than a check-back thread waiting on the log row's lock for as long as a
 * long surrounding transaction holds it.
 */
public final class RunningTransactions {

    private final Set<String> running = ConcurrentHashMap.newKeySet();

    /** Marks {@code txId} running. */
    public void started(String txId) {
        running.add(txId);
    }

    /** Marks {@code txId} finished. */
    public void finished(String txId) {
        running.remove(txId);
    }

    /** Whether {@code txId} is running in this process. */
    public boolean isRunning(String txId) {
        return running.contains(txId);
    }

    /** How many are running. */
    public int size() {
        return running.size();
    }
}
