package dev.txmsg.benchmark.broker;

/** A cluster that runs without the benchmark; it is neither started nor stopped. */
final class ExistingCluster implements BrokerRuntime {

    private final String nameServer;

    ExistingCluster(String nameServer) {
        this.nameServer = nameServer;
    }

    @Override
    public String nameServer() {
        return nameServer;
    }

    @Override
    public String description() {
        return "existing cluster, name server " + nameServer + " (its CPU is not in the CPU column)";
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
