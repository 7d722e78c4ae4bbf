package dev.txmsg.benchmark.load;

import java.util.concurrent.atomic.AtomicLong;

/** Order ids of a whole run: every operation of every scenario inserts a row of its own. */
public final class OrderIds {

    private final AtomicLong last = new AtomicLong();

    /** The next id. */
    public long next() {
        return last.incrementAndGet();
    }
}
