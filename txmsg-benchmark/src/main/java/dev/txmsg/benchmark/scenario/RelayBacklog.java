package dev.txmsg.benchmark.scenario;

import java.time.Duration;

/**
 * The outbox relay at the end of a measured window: messages still waiting, and how long the relay
 * then took to publish them (outside the window, before the next measurement starts).
 *
 * @param atWindowEnd messages waiting when the window closed
 * @param drain       the time to publish them all
 */
public record RelayBacklog(long atWindowEnd, Duration drain) {

    /** Whether the relay kept up: what waited at the end was under one second of sends. */
    public boolean keptUp(double sendsPerSecond) {
        return atWindowEnd < sendsPerSecond;
    }
}
