package dev.txmsg.acceptance;

import java.util.Set;

import dev.txmsg.api.ops.Operations;

/** An outbox-mode sender built by a {@link Harness}: its sender, its relay, its operator tools. */
public interface OutboxUnderTest extends SenderUnderTest {

    /** The operator tools over its outbox (list, replay, discard). */
    Operations operations();

    /** The partitions its relay holds now. */
    Set<Integer> partitions();

    /** Messages its relay has published (copies after a failure included). */
    long published();

    /** Stops at once, as a killed process would: its relay frees no partition (their leases run out). */
    void kill();
}
