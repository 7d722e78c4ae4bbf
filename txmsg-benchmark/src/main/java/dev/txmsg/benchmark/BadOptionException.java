package dev.txmsg.benchmark;

/** A command-line option with a value the benchmark cannot use; the message names both and what is allowed. */
public final class BadOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and what is allowed */
    public BadOptionException(String message) {
        super(message);
    }
}
