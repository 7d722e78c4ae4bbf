package dev.txmsg.faults.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.txmsg.demo.ServiceProcess;

/**
 * The standalone local broker ({@code txmsg-test-*-broker.jar}) as a child JVM on fixed ports and
 * a store of its own, so that it can be killed (SIGKILL) and restarted on the same store.
 */
final class BrokerProcess implements AutoCloseable {

    /** The check-back timing the suite runs with: short, so that faults settle in seconds. */
    static final String TRANSACTION_TIMEOUT = "3s";
    static final String CHECK_INTERVAL = "1s";
    static final int CHECK_MAX = 15;

    private final String topics;
    private final Path jar;
    private final Path store;
    private final Path log;
    private final int nameServerPort = ServiceProcess.freePort();
    private final int brokerPort = ServiceProcess.freePort();
    private Process process;

    BrokerProcess(Path root, Path work, String namespace) {
        this.topics = namespace == null ? "ORDER_EVENTS,ACCOUNT_EVENTS"
            : namespace + "%ORDER_EVENTS," + namespace + "%ACCOUNT_EVENTS";
        this.jar = find(root.resolve("txmsg-test").resolve("target"));
        this.store = work.resolve("broker-store");
        this.log = work.resolve("broker.log");
    }

    String nameServer() {
        return "127.0.0.1:" + nameServerPort;
    }

    /** Starts it and waits until it serves routes. */
    void start() {
        try {
            long offset = Files.exists(log) ? Files.size(log) : 0;
            // netty's certificates and RocksDB's library in the suite's directory, not the system's temp
            Path tmp = Files.createDirectories(store.resolveSibling("broker-tmp"));
            process = new ProcessBuilder(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-Djava.io.tmpdir=" + tmp, "-jar",
                jar.toString(), "--port", Integer.toString(nameServerPort), "--broker-port", Integer.toString(brokerPort),
                "--store", store.toString(), "--transaction-timeout", TRANSACTION_TIMEOUT, "--check-interval", CHECK_INTERVAL,
                "--check-max", Integer.toString(CHECK_MAX), "--topics", topics))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited while starting; see " + log);
                }
                if (Files.exists(log) && Files.readString(log).substring((int) Math.min(offset, Files.size(log)))
                    .contains("local broker: name server")) {
                    return;
                }
                ServiceProcess.sleepQuietly(Duration.ofMillis(200));
            }
            throw new IllegalStateException("the broker did not start within 2 minutes; see " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the broker from " + jar, e);
        }
    }

    /** Kills it at once (SIGKILL). */
    void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(40, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
            }
        }
    }

    Path log() {
        return log;
    }

    private static Path find(Path target) {
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("txmsg-test-.*-broker\\.jar")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no broker jar in " + target + ": build with 'mvn -B package -DskipTests'"));
        } catch (IOException e) {
            throw new IllegalStateException("no broker jar in " + target + ": build with 'mvn -B package -DskipTests'", e);
        }
    }
}
