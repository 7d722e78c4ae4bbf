package dev.txmsg.rocketmq.autoconfigure;

import java.time.Duration;

/** Check-backs ({@code txmsg.check.*}). */
public class CheckProperties {

    /** Threads that answer check-backs (never the client's remoting threads). */
    private int poolSize = 4;

    /** Check-backs that may wait for a thread; beyond that they are counted and dropped, and the broker asks again. */
    private int queueCapacity = 2000;

    /**
     * How long a check-back waits for a local transaction that holds the row before it answers
     * UNKNOWN (whole seconds, rounded up).
     */
    private Duration lockWait = Duration.ofSeconds(5);

    /**
     * How far apart any two clocks may be: those of the group's JVMs (a message's birth is stamped
     * by the sending one, judged by the checking one) and the database's (the purge ages rows by
     * it). A check-back treats a message as beyond the retention this much earlier, and never
     * fences it. Keep the clocks in sync (NTP) well within it.
     */
    private Duration clockSkew = Duration.ofMinutes(5);

    public int getPoolSize() {
        return poolSize;
    }

    public void setPoolSize(int poolSize) {
        this.poolSize = poolSize;
    }

    public int getQueueCapacity() {
        return queueCapacity;
    }

    public void setQueueCapacity(int queueCapacity) {
        this.queueCapacity = queueCapacity;
    }

    public Duration getLockWait() {
        return lockWait;
    }

    public void setLockWait(Duration lockWait) {
        this.lockWait = lockWait;
    }

    public Duration getClockSkew() {
        return clockSkew;
    }

    public void setClockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
    }
}
