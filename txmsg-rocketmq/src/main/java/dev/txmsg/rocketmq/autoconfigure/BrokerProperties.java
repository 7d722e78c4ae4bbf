package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

import dev.txmsg.rocketmq.jdbc.CheckWindow;

/**
 * The broker's transaction-check settings ({@code txmsg.broker.*}), which the client cannot read:
 * they bound how long the broker may ask about a message, and so how long its row must live.
 * Defaults match RocketMQ's.
 */
public class BrokerProperties {

    /** The broker's transactionTimeOut: age of a half message before its first check-back. */
    private Duration transactionTimeout = Duration.ofSeconds(6);

    /** The broker's transactionCheckInterval. */
    private Duration checkInterval = Duration.ofSeconds(30);

    /** The broker's transactionCheckMax: check-backs before it gives up on a message. */
    private int checkMax = 15;

    public Duration getTransactionTimeout() {
        return transactionTimeout;
    }

    public void setTransactionTimeout(Duration transactionTimeout) {
        this.transactionTimeout = transactionTimeout;
    }

    public Duration getCheckInterval() {
        return checkInterval;
    }

    public void setCheckInterval(Duration checkInterval) {
        this.checkInterval = checkInterval;
    }

    public int getCheckMax() {
        return checkMax;
    }

    public void setCheckMax(int checkMax) {
        this.checkMax = checkMax;
    }

    /** The whole window in which the broker may ask about a message. */
    public CheckWindow checkWindow() {
        return new CheckWindow(transactionTimeout, checkInterval, checkMax);
    }
}
