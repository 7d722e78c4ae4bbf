package dev.txmsg.api.spi;

import dev.txmsg.api.TransactionState;

/**
 * Answers the broker's check-back: the broker asks about a message whose outcome it never heard
 * (the process died, the end was lost, the commit's outcome was unknown).
 *
 * <p>txmsg's own implementation reads the transaction log and fences transactions it cannot
 * find, so that the answer is decided, never guessed. To add to it, decorate it with a
 * {@link CheckListenerDecorator}; it is not replaced. Implementations must be thread-safe and must answer
 * {@link TransactionState#UNKNOWN} whenever they cannot know: the broker asks again later.
 * Answering {@link TransactionState#ROLLED_BACK} for a transaction that commits later loses its
 * message; answering {@link TransactionState#COMMITTED} for one that never commits delivers a
 * phantom.
 */
@FunctionalInterface
public interface CheckListener {

    /**
     * Decides a message's state. An exception counts as {@link TransactionState#UNKNOWN}.
     *
     * @param request what the broker asks about
     * @return the state to report to the broker
     */
    TransactionState check(CheckRequest request);
}
