package dev.txmsg.benchmark.report;

import dev.txmsg.benchmark.scenario.RelayBacklog;

import dev.txmsg.benchmark.load.Measurement;

/**
 * One measurement and where it ran.
 *
 * @param round the round (1 = first)
 * @param slot  its place within the round (1 = first), which changes from round to round
 * @param run   its place in the whole run (1 = first)
 * @param m       the measurement
 * @param backlog what the outbox relay had left at the window's end, or {@code null} for other scenarios
 */
public record Sample(int round, int slot, int run, Measurement m, RelayBacklog backlog) {
}
