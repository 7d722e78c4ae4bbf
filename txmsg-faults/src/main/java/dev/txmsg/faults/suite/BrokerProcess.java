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
 * One JVM of the standalone local broker ({@code txmsg-test-*-broker.jar}) on fixed ports and a
 * store of its own, so that it can be killed (SIGKILL) and restarted on the same store: a name
 * server with a broker, a name server alone, or a broker that joins a name server ({@link Brokers}).
 */
final class BrokerProcess implements AutoCloseable {

    /** The check-back timing the suite runs with: short, so that faults settle in seconds. */
    static final String TRANSACTION_TIMEOUT = "3s";
    static final String CHECK_INTERVAL = "1s";
    static final int CHECK_MAX = 15;

    private final String name;
    private final Path jar;
    private final Path store;
    private final Path log;
    private final List<String> options;
    private Process process;

    /**
     * @param name    what the log and messages call it ({@code broker}, {@code broker-a}, {@code name-server})
     * @param options the launcher's options besides {@code --store} and the timing
     */
    BrokerProcess(String name, Path root, Path work, List<String> options) {
        this.name = name;
        this.jar = find(root.resolve("txmsg-test").resolve("target"));
        this.store = work.resolve(name.equals("broker") ? "broker-store" : name + "-store");
        this.log = work.resolve(name + ".log");
        this.options = List.copyOf(options);
    }

    String name() {
        return name;
    }

    /** Starts it and waits until it serves routes. */
    void start() {
        try {
            long offset = Files.exists(log) ? Files.size(log) : 0;
            // netty's certificates and RocksDB's library in the suite's directory, not the system's temp
            Path tmp = Files.createDirectories(store.resolveSibling(store.getFileName() + "-tmp"));
            List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-jar", jar.toString(), "--store", store.toString(),
                "--transaction-timeout", TRANSACTION_TIMEOUT, "--check-interval", CHECK_INTERVAL,
                "--check-max", Integer.toString(CHECK_MAX)));
            command.addAll(options);
            process = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited while starting; see " + log);
                }
                if (Files.exists(log) && Files.readString(log).substring((int) Math.min(offset, Files.size(log)))
                    .contains("local broker: name server")) {
                    return;
                }
                ServiceProcess.sleepQuietly(Duration.ofMillis(200));
            }
            throw new IllegalStateException(name + " did not start within 2 minutes; see " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " from " + jar, e);
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
