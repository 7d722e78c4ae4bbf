package dev.txmsg.test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.rocketmq.common.MQVersion;
import org.apache.rocketmq.namesrv.NamesrvController;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;

/**
 * A local RocketMQ for development: a real name server and broker in the foreground, until
 * Ctrl-C (or SIGTERM), which stops them cleanly.
 *
 * <pre>
 * java -jar txmsg-test/target/txmsg-test-*-broker.jar [--port 9876] [--broker-port 10911]
 *      [--store ./local-broker-store] [--check-interval 5s] [--transaction-timeout 6s] [--check-max 15]
 *      [--op-batch-interval 500ms] [--topics ORDER_EVENTS,ACCOUNT_EVENTS] [--brokers 2] [--trans-rocksdb]
 * </pre>
 *
 * By default the name server listens on 127.0.0.1:9876, the broker on 10911, and the store is
 * kept in {@code ./local-broker-store} (so that a restart keeps the messages). RocksDB, inside the
 * broker, writes its log under {@code ${user.home}/logs}: this launcher points {@code user.home}
 * at the store directory, so that nothing lands in the user's home.
 *
 * <p><b>A cluster.</b> With {@code --brokers N} (2 to 9) this JVM runs the name server and starts N
 * broker groups, {@code broker-a}, {@code broker-b}, ..., each a JVM of its own (so that one can be
 * killed), on broker ports 10911, 10921, ... and stores {@code <store>/broker-a}, ...; each broker's
 * output goes to {@code <store>/broker-a.log}. Every topic of {@code --topics} gets 4 queues on each
 * broker. Ctrl-C stops the brokers, then the name server. A broker JVM started by hand joins a
 * running name server with {@code --join 127.0.0.1:9876 --broker-name broker-c}; {@code --name-server-only}
 * runs a name server alone.
 */
public final class LocalBroker {

    private static final int QUEUES = 4;

    private LocalBroker() {
    }

    /** The parsed command line. */
    private static final class Options {
        int port = 9876;
        int brokerPort = 10911;
        Path store = Path.of("local-broker-store");
        Duration checkInterval = Duration.ofSeconds(5);
        Duration transactionTimeout = Duration.ofSeconds(6);
        Integer checkMax;
        Duration opBatchInterval;
        final List<String> topics = new ArrayList<>();
        int brokers = 1;
        String join;
        String brokerName;
        boolean nameServerOnly;
        boolean transRocksDb;
        /** The options a child broker JVM gets as they were given (timing, topics, RocksDB mode). */
        final List<String> passOn = new ArrayList<>();

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--name-server-only")) {
                    o.nameServerOnly = true;
                    continue;
                }
                if (option.equals("--trans-rocksdb")) {
                    o.transRocksDb = true;
                    o.passOn.add(option);
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port" -> o.port = port(option, value);
                    case "--broker-port" -> o.brokerPort = port(option, value);
                    case "--store" -> o.store = Path.of(value);
                    case "--check-interval" -> o.checkInterval = duration(value);
                    case "--transaction-timeout" -> o.transactionTimeout = duration(value);
                    case "--check-max" -> o.checkMax = Integer.parseInt(value);
                    case "--op-batch-interval" -> o.opBatchInterval = duration(value);
                    case "--topics" -> o.topics.addAll(Arrays.stream(value.split(",")).map(String::trim)
                        .filter(t -> !t.isEmpty()).toList());
                    case "--brokers" -> {
                        o.brokers = Integer.parseInt(value);
                        if (o.brokers < 1 || o.brokers > 9) {
                            throw new IllegalArgumentException("--brokers must be between 1 and 9, was " + value);
                        }
                    }
                    case "--join" -> {
                        if (!value.matches("[^:;\\s]+:\\d{1,5}")) {
                            throw new IllegalArgumentException("--join needs the name server's host:port, was " + value);
                        }
                        o.join = value;
                    }
                    case "--broker-name" -> {
                        if (!value.matches("[A-Za-z0-9_-]{1,64}")) {
                            throw new IllegalArgumentException("--broker-name needs 1 to 64 letters, digits, '-' or '_', was " + value);
                        }
                        o.brokerName = value;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
                if (List.of("--check-interval", "--transaction-timeout", "--check-max", "--op-batch-interval", "--topics")
                    .contains(option)) {
                    o.passOn.add(option);
                    o.passOn.add(value);
                }
            }
            if (o.brokers > 1 && (o.join != null || o.nameServerOnly)) {
                throw new IllegalArgumentException("--brokers starts a name server of its own: it goes with neither --join nor --name-server-only");
            }
            if (o.join != null && o.nameServerOnly) {
                throw new IllegalArgumentException("--join runs a broker only and --name-server-only a name server only: choose one");
            }
            return o;
        }
    }

    /**
     * Starts the broker (or the cluster) and blocks until the JVM is asked to stop.
     *
     * @param args see the class comment; {@code --help} prints them
     */
    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            usage();
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("local broker: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        Path home = o.store.toAbsolutePath().normalize();
        // RocksDB logs under user.home and unpacks its native library in java.io.tmpdir: both in the
        // store. (netty's certificate files follow the java.io.tmpdir the JVM started with; they are
        // deleted at exit, and -Djava.io.tmpdir keeps them out of the system's temp directory while
        // it runs, as the fault suite, the benchmark and a cluster's broker JVMs do.)
        System.setProperty("user.home", home.toString());
        try {
            System.setProperty("java.io.tmpdir", Files.createDirectories(home.resolve("tmp")).toString());
        } catch (IOException e) {
            System.err.println("local broker: cannot create " + home.resolve("tmp") + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (o.brokers > 1 || o.nameServerOnly) {
            runNameServer(o, home);
        } else {
            runBroker(o);
        }
    }

    /** One broker (with a name server of its own unless it joins one), until a signal. */
    private static void runBroker(Options o) throws InterruptedException {
        EmbeddedRocketMQ.Builder builder = EmbeddedRocketMQ.builder().nameServerPort(o.port).brokerPort(o.brokerPort)
            .storeDirectory(o.store).transactionTimeout(o.transactionTimeout).transactionCheckInterval(o.checkInterval);
        if (o.checkMax != null) {
            builder.transactionCheckMax(o.checkMax);
        }
        if (o.opBatchInterval != null) {
            builder.transactionOpBatchInterval(o.opBatchInterval);
        }
        if (o.join != null) {
            builder.joinNameServer(o.join);
        }
        if (o.brokerName != null) {
            builder.brokerName(o.brokerName);
        }
        if (o.transRocksDb) {
            builder.storeConfig(EmbeddedRocketMQ::transRocksDb);
        }
        EmbeddedRocketMQ mq = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("local broker: stopping...");
            mq.close();
            stopped.countDown();
        }, "local-broker-shutdown"));
        mq.start();
        // Created up front, so that consumers find their topics' routes before the first message.
        o.topics.forEach(topic -> mq.createTopic(topic, QUEUES));
        System.out.println("local broker: name server " + mq.nameServerAddress() + ", broker " + mq.brokerName() + " "
            + mq.brokerAddress() + (o.transRocksDb ? " (half messages in RocksDB)" : "") + ", store "
            + mq.storeDirectory().toAbsolutePath() + ". Ctrl-C stops it.");
        System.out.flush();
        stopped.await();
        // Only a signal (Ctrl-C, SIGTERM) gets here, through the shutdown hook: the JVM ends once its
        // hooks are done, whatever threads RocketMQ leaves behind, and deletes netty's certificate
        // files on the way (a halt here would skip that and leave them in the temp directory).
    }

    /** A name server in this JVM and, with --brokers N, N broker JVMs registered with it, until a signal. */
    private static void runNameServer(Options o, Path home) throws InterruptedException {
        System.setProperty(RemotingCommand.REMOTING_VERSION_KEY, Integer.toString(MQVersion.CURRENT_VERSION));
        NamesrvController nameServer = BrokerConfigs.startNameServer(o.port, home);
        String address = BrokerConfigs.LOCALHOST + ":" + o.port;
        List<Process> brokers = new java.util.concurrent.CopyOnWriteArrayList<>(); // the hook may read it while they start
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("local broker: stopping...");
            brokers.forEach(Process::destroy); // SIGTERM: each broker stops cleanly, side by side
            for (Process p : brokers) {
                try {
                    if (!p.waitFor(40, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
            nameServer.shutdown();
            stopped.countDown();
        }, "local-broker-shutdown"));
        try {
            for (int i = 0; i < o.brokers && o.brokers > 1; i++) {
                String name = "broker-" + (char) ('a' + i);
                brokers.add(startBrokerJvm(o, home, address, name, o.brokerPort + 10 * i));
            }
            for (int i = 0; i < brokers.size(); i++) {
                awaitStarted(brokers.get(i), home.resolve("broker-" + (char) ('a' + i) + ".log"));
            }
        } catch (IllegalStateException | IOException e) {
            System.err.println("local broker: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println("local broker: name server " + address + (brokers.isEmpty() ? "" : ", " + brokers.size()
            + " broker groups (broker-a on " + o.brokerPort + ", broker-b on " + (o.brokerPort + 10)
            + (brokers.size() > 2 ? ", ..." : "") + "; logs in " + home + "/broker-*.log)") + ", store " + home
            + ". Ctrl-C stops it.");
        System.out.flush();
        stopped.await();
    }

    private static Process startBrokerJvm(Options o, Path home, String nameServer, String name, int port) throws IOException {
        Path store = home.resolve(name);
        Path tmp = Files.createDirectories(store.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            // not what would make every broker JVM claim the same debug or JMX port, nor the temp directory
            .filter(a -> !a.startsWith("-Djava.io.tmpdir=") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")
                && !a.startsWith("-Xrunjdwp") && !a.startsWith("-Xdebug") && !a.startsWith("-Dcom.sun.management.jmxremote"))
            .forEach(command::add);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalBroker.class.getName(),
            "--join", nameServer, "--broker-name", name, "--broker-port", Integer.toString(port), "--store", store.toString()));
        command.addAll(o.passOn);
        Path log = home.resolve(name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
    }

    private static void awaitStarted(Process broker, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("a broker exited while starting; see " + log);
            }
            if (Files.exists(log) && Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains("local broker: name server")) {
                return;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the brokers started");
            }
        }
        throw new IllegalStateException("a broker did not start within 2 minutes; see " + log);
    }

    private static int port(String option, String value) {
        int port = Integer.parseInt(value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + " must be between 1 and 65535, was " + value);
        }
        return port;
    }

    private static Duration duration(String value) {
        String v = value.trim().toLowerCase();
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        if (v.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        }
        throw new IllegalArgumentException("durations look like 500ms, 5s or 1m, not " + value);
    }

    private static void usage() {
        System.err.println("usage: java -jar txmsg-test-<version>-broker.jar [--port 9876] [--broker-port 10911] "
            + "[--store ./local-broker-store] [--check-interval 5s] [--transaction-timeout 6s] [--check-max 15] "
            + "[--op-batch-interval 500ms] [--topics T1,T2] [--brokers N] [--trans-rocksdb]\n"
            + "       --brokers N: a name server here and N broker groups (broker-a, broker-b, ...), each a JVM of its own\n"
            + "       --join HOST:PORT --broker-name NAME: a broker only, registering with that name server\n"
            + "       --name-server-only: a name server only\n"
            + "       --trans-rocksdb: half messages kept in RocksDB only (RocketMQ 5.4's transRocksDBEnable=true,\n"
            + "                        transWriteOriginTransHalfEnable=false): exhausted ones are deleted, not parked");
    }
}
