package dev.txmsg.rocketmq.autoconfigure;

import org.springframework.context.SmartLifecycle;

/** Starts txmsg's consumers once the context is refreshed (every handler ready) and stops them first on close. */
final class TxMsgLifecycle implements SmartLifecycle {

    private final Runnable start;
    private final Runnable stop;
    private volatile boolean running;

    TxMsgLifecycle(Runnable start, Runnable stop) {
        this.start = start;
        this.stop = stop;
    }

    @Override
    public void start() {
        start.run();
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        stop.run();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
