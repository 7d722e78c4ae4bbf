package dev.txmsg.benchmark.scenario;

/** One way of making an order row and (perhaps) its message; the closed loop calls it over and over. */
public interface Scenario extends AutoCloseable {

    /** The scenario's name in the results. */
    String name();

    /**
     * Inserts order {@code orderId} (and sends its message, if the scenario sends).
     *
     * @throws Exception if anything failed; counted as an error, not as an operation
     */
    void execute(long orderId) throws Exception;

    /**
     * Called after each measured window, outside it: a scenario with work left behind (the outbox
     * relay) finishes it here and says how much there was.
     *
     * @return what the relay had left, or {@code null} for a scenario without one
     */
    default RelayBacklog afterWindow() throws Exception {
        return null;
    }

    /** Stops the scenario's clients. */
    @Override
    void close();
}
