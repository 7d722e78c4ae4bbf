package dev.txmsg.api.consume;

/**
 * Thrown by a handler (or found among the causes of what it throws) when retrying cannot help, a
 * malformed message for instance: the message becomes a dead letter at once.
 */
public class NonRetryableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message why the message cannot be applied */
    public NonRetryableException(String message) {
        super(message);
    }

    /**
     * @param message why the message cannot be applied
     * @param cause   the underlying failure
     */
    public NonRetryableException(String message, Throwable cause) {
        super(message, cause);
    }
}
