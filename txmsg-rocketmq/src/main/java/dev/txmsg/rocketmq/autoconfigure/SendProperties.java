package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/** The send path ({@code txmsg.send.*}). */
public class SendProperties {

    /** Timeout of the half-message send. Defaults to rocketmq.producer.send-message-timeout (3 s). */
    private Duration timeout;

    /**
     * Send the half message asynchronously, its round trip overlapping the executor's work; it is
     * stored before the local commit either way.
     */
    private boolean overlap = true;

    /**
     * The most messages one local transaction may publish (a list given to send, and those its
     * executor adds); from 1 to 10,000.
     */
    private int maxMessages = 100;

    public Duration getTimeout() {
        return timeout;
    }

    public void setTimeout(Duration timeout) {
        this.timeout = timeout;
    }

    public boolean isOverlap() {
        return overlap;
    }

    public void setOverlap(boolean overlap) {
        this.overlap = overlap;
    }

    public int getMaxMessages() {
        return maxMessages;
    }

    public void setMaxMessages(int maxMessages) {
        this.maxMessages = maxMessages;
    }
}
