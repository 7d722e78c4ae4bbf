package dev.txmsg.faults.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.txmsg.demo.ServiceProcess;

/**
 * The suite's RocketMQ: one JVM with a name server and a broker, or, with two or more broker
 * groups, a name server JVM and one JVM per broker group ({@code broker-a}, {@code broker-b}, ...),
 * each topic with 4 queues on every broker, so that one broker can be killed while the others run.
 */
final class Brokers implements AutoCloseable {

    private final int nameServerPort = ServiceProcess.freePort();
    private final BrokerProcess nameServer;
    private final List<BrokerProcess> brokers = new ArrayList<>();

    Brokers(Path root, Path work, String namespace, int groups) {
        String topics = namespace == null ? "ORDER_EVENTS,ACCOUNT_EVENTS"
            : namespace + "%ORDER_EVENTS," + namespace + "%ACCOUNT_EVENTS";
        if (groups == 1) {
            nameServer = null;
            brokers.add(new BrokerProcess("broker", root, work, List.of("--port", Integer.toString(nameServerPort),
                "--broker-port", Integer.toString(ServiceProcess.freePort()), "--topics", topics)));
            return;
        }
        nameServer = new BrokerProcess("name-server", root, work, List.of("--name-server-only", "--port", Integer.toString(nameServerPort)));
        for (int i = 0; i < groups; i++) {
            String name = "broker-" + (char) ('a' + i);
            brokers.add(new BrokerProcess(name, root, work, List.of("--join", nameServer(), "--broker-name", name,
                "--broker-port", Integer.toString(ServiceProcess.freePort()), "--topics", topics)));
        }
    }

    String nameServer() {
        return "127.0.0.1:" + nameServerPort;
    }

    /** How many broker groups. */
    int groups() {
        return brokers.size();
    }

    /** Starts the name server (if a JVM of its own) and every broker, and waits until they serve routes. */
    void start() {
        if (nameServer != null) {
            nameServer.start();
        }
        brokers.forEach(BrokerProcess::start);
    }

    /** Kills every broker at once (SIGKILL); the name server, if a JVM of its own, runs on. */
    void kill() {
        brokers.forEach(BrokerProcess::kill);
    }

    /** Starts every broker again on its store, after {@link #kill()}. */
    void restart() {
        brokers.forEach(BrokerProcess::start);
    }

    /** The first broker group ({@code broker-a} in a cluster). */
    BrokerProcess first() {
        return brokers.get(0);
    }

    /** Every JVM's log. */
    List<Path> logs() {
        List<Path> logs = new ArrayList<>();
        if (nameServer != null) {
            logs.add(nameServer.log());
        }
        brokers.forEach(b -> logs.add(b.log()));
        return logs;
    }

    @Override
    public void close() {
        brokers.forEach(BrokerProcess::close);
        if (nameServer != null) {
            nameServer.close();
        }
    }
}
