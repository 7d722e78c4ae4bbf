package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/** Settling half messages whose check-backs were exhausted ({@code txmsg.in-doubt.*}). */
public class InDoubtProperties {

    /**
     * Whether the sender's service watches TRANS_CHECK_MAX_TIME_TOPIC for its producer group and
     * settles what lands there from the transaction log.
     */
    private boolean enabled = true;

    /**
     * How often the watcher asks the name server whether TRANS_CHECK_MAX_TIME_TOPIC exists yet (the
     * broker creates it when it first gives a half message up); it subscribes once it does.
     */
    private Duration probeInterval = Duration.ofSeconds(30);

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Duration getProbeInterval() {
        return probeInterval;
    }

    public void setProbeInterval(Duration probeInterval) {
        this.probeInterval = probeInterval;
    }
}
