package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/** Purging old transaction-log rows ({@code txmsg.retention.*}). */
public class RetentionProperties {

    /** Whether old rows are purged. Without it the log grows forever and check-backs never apply the horizon. */
    private boolean enabled = true;

    /**
     * Age beyond which rows are purged, by the database's clock. Must be at least twice the broker's
     * check window (txmsg.broker.*); a check-back for an older message that finds no row answers UNKNOWN.
     */
    private Duration period = Duration.ofDays(1);

    /** Time between purge runs (the first comes after a random part of it, to spread instances). */
    private Duration interval = Duration.ofMinutes(1);

    /** Rows per delete statement. */
    private int batchSize = 1000;

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getPeriod() {
        return period;
    }

    public void setPeriod(Duration period) {
        this.period = period;
    }

    public Duration getInterval() {
        return interval;
    }

    public void setInterval(Duration interval) {
        this.interval = interval;
    }

    public int getBatchSize() {
        return batchSize;
    }

    public void setBatchSize(int batchSize) {
        this.batchSize = batchSize;
    }
}
