package dev.txmsg.rocketmq.client;

import java.util.concurrent.ThreadFactory;

import org.apache.rocketmq.common.ThreadFactoryImpl;

/** The threads txmsg starts: daemon threads named {@code txmsg-<what>-<n>}, so that a thread dump says whose they are. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A factory of daemon threads named {@code txmsg-<what>-<n>}. */
    public static ThreadFactory named(String what) {
        return new ThreadFactoryImpl("txmsg-" + what + "-", true);
    }
}
