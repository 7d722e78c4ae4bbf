package dev.txmsg.benchmark.broker;

import java.nio.file.Path;

/** The broker of a run, started (or found) before the first scenario and stopped after the last. */
public interface BrokerRuntime extends AutoCloseable {

    /** The name server address the clients use. */
    String nameServer();

    /** Where the broker runs, and what that means for the CPU figures. */
    String description();

    /** Stops what the benchmark started; an existing cluster is left alone. */
    @Override
    void close();

    /** Starts the chosen broker; {@code out} holds an external broker's store and log. */
    static BrokerRuntime start(BrokerChoice choice, Path out) {
        return switch (choice.mode()) {
            case IN_PROCESS -> InProcessBroker.start(choice);
            case EXTERNAL -> ExternalBroker.start(choice, out);
            case CLUSTER -> new ExistingCluster(choice.nameServer());
        };
    }
}
