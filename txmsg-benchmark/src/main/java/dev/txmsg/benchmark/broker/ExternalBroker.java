package dev.txmsg.benchmark.broker;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * txmsg-test's local broker jar in a child JVM, so that the broker does not share the benchmark's
 * CPU accounting. Its output goes to {@code broker.log} in the output directory, its store to
 * {@code broker-store} there (deleted at the end).
 */
final class ExternalBroker implements BrokerRuntime {

    private static final String READY = "local broker: name server";
    private static final long START_TIMEOUT_SECONDS = 90;

    private final Process process;
    private final String nameServer;
    private final Path store;
    private final Thread killer;

    private ExternalBroker(Process process, String nameServer, Path store, Thread killer) {
        this.process = process;
        this.nameServer = nameServer;
        this.store = store;
        this.killer = killer;
    }

    static ExternalBroker start(BrokerChoice choice, Path out) {
        Path store = out.toAbsolutePath().resolve("broker-store");
        Path log = out.toAbsolutePath().resolve("broker.log");
        deleteRecursively(store);
        int nameServerPort = freePort();
        int brokerPort = freeBrokerPort();
        Path tmp = out.toAbsolutePath().resolve("broker-tmp"); // netty's certificates, RocksDB's library
        try {
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create " + tmp, e);
        }
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=" + tmp, "-jar", choice.jar().toAbsolutePath().toString(),
            "--port", Integer.toString(nameServerPort), "--broker-port", Integer.toString(brokerPort),
            "--store", store.toString(),
            "--check-interval", choice.checkInterval().toMillis() + "ms",
            "--transaction-timeout", choice.transactionTimeout().toMillis() + "ms");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start the local broker (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
        // Ctrl-C or a failure elsewhere must not leave the child running.
        Thread killer = new Thread(process::destroyForcibly, "benchmark-broker-killer");
        Runtime.getRuntime().addShutdownHook(killer);
        Deque<String> lastLines = new ArrayDeque<>();
        CompletableFuture<Void> ready = follow(process, log, lastLines);
        try {
            ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            String why = e instanceof TimeoutException ? "did not report ready within " + START_TIMEOUT_SECONDS + " s"
                : "exited before it was ready";
            synchronized (lastLines) {
                throw new IllegalStateException("the local broker " + why + " (" + String.join(" ", command)
                    + "); its last output:\n" + String.join("\n", lastLines) + "\nfull output: " + log);
            }
        }
        return new ExternalBroker(process, "127.0.0.1:" + nameServerPort, store, killer);
    }

    /** Copies the child's output to {@code log}; completes once the ready line appears, fails if the output ends first. */
    private static CompletableFuture<Void> follow(Process process, Path log, Deque<String> lastLines) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    file.println(line);
                    synchronized (lastLines) {
                        lastLines.addLast(line);
                        if (lastLines.size() > 20) {
                            lastLines.removeFirst();
                        }
                    }
                    if (line.startsWith(READY)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(new UncheckedIOException(e));
            }
            ready.completeExceptionally(new IllegalStateException("the local broker's output ended"));
        }, "benchmark-broker-output");
        reader.setDaemon(true);
        reader.start();
        return ready;
    }

    @Override
    public String nameServer() {
        return nameServer;
    }

    @Override
    public String description() {
        return "external (the local broker jar in a child JVM, pid " + process.pid() + "; its CPU is not in the CPU column)";
    }

    /** Kills the child at once: its store is temporary, so a clean shutdown (10-20 s) buys nothing. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook runs anyway
        }
        deleteRecursively(store);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for the local broker", e);
        }
    }

    /** A free port whose neighbour two below is free too: the broker listens on both. */
    private static int freeBrokerPort() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = freePort();
            if (port > 1026 && isFree(port - 2)) {
                return port;
            }
        }
        throw new IllegalStateException("no free pair of ports (p, p-2) for the local broker after 50 attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the broker store " + dir, e);
        }
    }
}
