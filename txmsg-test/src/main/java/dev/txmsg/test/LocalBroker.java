package dev.txmsg.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A local RocketMQ for development: a real name server and broker in the foreground, until
 * Ctrl-C (or SIGTERM), which stops them cleanly.
 *
 * <pre>
 * java -jar txmsg-test/target/txmsg-test-*-broker.jar [--port 9876] [--broker-port 10911]
 *      [--store ./local-broker-store] [--check-interval 5s] [--transaction-timeout 6s] [--check-max 15]
 *      [--op-batch-interval 500ms] [--topics ORDER_EVENTS,ACCOUNT_EVENTS]
 * </pre>
 *
 * By default the name server listens on 127.0.0.1:9876, the broker on 10911, and the store is
 * kept in {@code ./local-broker-store} (so that a restart keeps the messages). RocksDB, inside the
 * broker, writes its log under {@code ${user.home}/logs}: this launcher points {@code user.home}
 * at the store directory, so that nothing lands in the user's home.
 */
public final class LocalBroker {

    private LocalBroker() {
    }

    /**
     * Starts the broker and blocks until the JVM is asked to stop.
     *
     * @param args see the class comment; {@code --help} prints them
     */
    public static void main(String[] args) throws InterruptedException {
        Path[] store = {Path.of("local-broker-store")};
        java.util.List<String> topics = new java.util.ArrayList<>();
        EmbeddedRocketMQ.Builder builder = EmbeddedRocketMQ.builder().nameServerPort(9876).brokerPort(10911)
            .storeDirectory(store[0])
            .transactionTimeout(Duration.ofSeconds(6)).transactionCheckInterval(Duration.ofSeconds(5));
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (option.equals("--help") || option.equals("-h")) {
                    usage();
                    return;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port" -> builder.nameServerPort(Integer.parseInt(value));
                    case "--broker-port" -> builder.brokerPort(Integer.parseInt(value));
                    case "--store" -> {
                        store[0] = Path.of(value);
                        builder.storeDirectory(store[0]);
                    }
                    case "--check-interval" -> builder.transactionCheckInterval(duration(value));
                    case "--transaction-timeout" -> builder.transactionTimeout(duration(value));
                    case "--check-max" -> builder.transactionCheckMax(Integer.parseInt(value));
                    case "--op-batch-interval" -> builder.transactionOpBatchInterval(duration(value));
                    case "--topics" -> topics.addAll(java.util.Arrays.stream(value.split(",")).map(String::trim)
                        .filter(t -> !t.isEmpty()).toList());
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("local broker: " + e.getMessage());
            usage();
            System.exit(2);
            return;
        }
        Path home = store[0].toAbsolutePath().normalize();
        // RocksDB logs under user.home and unpacks its native library in java.io.tmpdir: both in the
        // store. (netty's certificate files follow the java.io.tmpdir the JVM started with; they are
        // deleted at exit, and -Djava.io.tmpdir keeps them out of the system's temp directory while
        // it runs, as the fault suite and the benchmark do.)
        System.setProperty("user.home", home.toString());
        try {
            System.setProperty("java.io.tmpdir", Files.createDirectories(home.resolve("tmp")).toString());
        } catch (java.io.IOException e) {
            System.err.println("local broker: cannot create " + home.resolve("tmp") + ": " + e.getMessage());
            System.exit(1);
            return;
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
        topics.forEach(topic -> mq.createTopic(topic, 4));
        System.out.println("local broker: name server " + mq.nameServerAddress() + ", broker " + mq.brokerAddress()
            + ", store " + mq.storeDirectory().toAbsolutePath() + ". Ctrl-C stops it.");
        System.out.flush();
        stopped.await();
        // Only a signal (Ctrl-C, SIGTERM) gets here, through the shutdown hook: the JVM ends once its
        // hooks are done, whatever threads RocketMQ leaves behind, and deletes netty's certificate
        // files on the way (a halt here would skip that and leave them in the temp directory).
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
            + "[--op-batch-interval 500ms] [--topics T1,T2]");
    }
}
