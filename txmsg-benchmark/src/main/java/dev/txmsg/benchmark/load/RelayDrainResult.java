package dev.txmsg.benchmark.load;

import java.time.Duration;
import java.util.List;

/**
 * How fast the outbox relays publish a backlog.
 *
 * @param messages  messages waiting when the relays started
 * @param relays    relays started (instances of one producer group)
 * @param written   how long writing the backlog took (no relay running)
 * @param drain     from starting the relays to an empty outbox
 * @param perRelay  messages each relay published
 */
public record RelayDrainResult(int messages, int relays, Duration written, Duration drain, List<Long> perRelay) {

    /** Messages published per second. */
    public double rate() {
        return messages / (drain.toNanos() / 1e9);
    }
}
