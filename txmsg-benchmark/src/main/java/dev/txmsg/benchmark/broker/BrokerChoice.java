package dev.txmsg.benchmark.broker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Which broker a run talks to.
 *
 * @param mode               in-process, external child JVM, or an existing cluster
 * @param nameServer         the cluster's name server (cluster mode only)
 * @param transactionTimeout the broker's {@code transactionTimeOut}, for a broker the benchmark starts
 * @param checkInterval      the broker's {@code transactionCheckInterval}, for a broker the benchmark starts
 * @param jar                the local broker jar (external mode only)
 */
public record BrokerChoice(Mode mode, String nameServer, Duration transactionTimeout, Duration checkInterval, Path jar) {

    /**
     * The broker's op batch interval, for a broker the benchmark starts: the local broker jar's
     * (it has no option for it), and below half the transaction timeout, so that committed messages
     * are not checked back.
     */
    public static final Duration OP_BATCH_INTERVAL = Duration.ofMillis(500);

    /** Where the broker runs. */
    public enum Mode {
        /** In the benchmark's JVM: its CPU counts in the client's. */
        IN_PROCESS,
        /** The local broker jar in a child JVM. */
        EXTERNAL,
        /** An existing cluster, found through its name server. */
        CLUSTER
    }

    /** A broker in this JVM. */
    public static BrokerChoice inProcess(Duration transactionTimeout, Duration checkInterval) {
        return new BrokerChoice(Mode.IN_PROCESS, null, transactionTimeout, checkInterval, null);
    }

    /** The local broker jar as a child JVM; {@code jar} {@code null} looks for it where a build leaves it. */
    public static BrokerChoice external(Duration transactionTimeout, Duration checkInterval, Path jar) {
        return new BrokerChoice(Mode.EXTERNAL, null, transactionTimeout, checkInterval,
            jar != null ? LocalBrokerJar.check(jar) : LocalBrokerJar.find());
    }

    /** An existing cluster. */
    public static BrokerChoice cluster(String nameServer) {
        return new BrokerChoice(Mode.CLUSTER, nameServer, null, null, null);
    }
}
