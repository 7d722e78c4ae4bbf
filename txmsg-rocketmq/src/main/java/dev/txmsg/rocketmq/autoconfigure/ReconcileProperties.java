package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/**
 * Verifying that committed transactions' messages reached their topic ({@code txmsg.reconcile.*}):
 * for a broker that deletes the half messages whose check-backs ran out (RocketMQ 5.4's RocksDB
 * transaction mode), where the in-doubt watcher sees nothing.
 */
public class ReconcileProperties {

    /** Whether the sender's service runs the reconciliation (off by default: it costs an index query per committed message). */
    private boolean enabled = false;

    /**
     * How often it runs. Each run verifies the committed rows that aged past the broker's check
     * window (txmsg.broker.*) plus one interval since the run before.
     */
    private Duration interval = Duration.ofMinutes(1);

    /** How much further back the first run after start-up looks, for rows that crossed the window while the service was down. */
    private Duration catchUp = Duration.ofHours(1);

    /** Log rows read at a time. */
    private int batchSize = 500;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public Duration getCatchUp() {
        return catchUp;
    }

    public void setCatchUp(Duration catchUp) {
        this.catchUp = catchUp;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }
}
