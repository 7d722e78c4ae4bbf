package dev.txmsg.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A Spring Boot service run as a child JVM from its jar: started with properties as
 * {@code --name=value} arguments, its output appended to a log file, waited for until its health
 * is UP, stopped politely or killed (SIGKILL) like a crash, and restarted on the same port.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private final Path log;
    private final Path loaderPath;
    private Process process;

    /**
     * @param name       for messages and the log file
     * @param jar        the runnable jar
     * @param port       the HTTP port
     * @param properties Spring properties, passed as {@code --name=value}
     * @param jvmOptions extra JVM options
     * @param log        where its output goes (appended across restarts)
     */
    public ServiceProcess(String name, Path jar, int port, Map<String, String> properties, List<String> jvmOptions, Path log) {
        this(name, jar, port, properties, jvmOptions, log, null);
    }

    /**
     * As above, with an extra jar on the service's class path through Spring Boot's
     * PropertiesLauncher ({@code loader.path}), such as an agent of auto-configurations.
     */
    public ServiceProcess(String name, Path jar, int port, Map<String, String> properties, List<String> jvmOptions, Path log,
                          Path loaderPath) {
        this.loaderPath = loaderPath;
        this.name = Objects.requireNonNull(name, "name");
        this.jar = Objects.requireNonNull(jar, "jar");
        this.port = port;
        this.properties = Map.copyOf(properties);
        this.jvmOptions = List.copyOf(jvmOptions);
        this.log = Objects.requireNonNull(log, "log");
    }

    /** A free TCP port on this machine. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /**
     * The options that keep a JVM of Java 24 or newer from warning about what its libraries do
     * (netty and RocketMQ use {@code sun.misc.Unsafe}, RocksDB and netty load native code); none on
     * older JVMs, which would refuse the first of them.
     */
    public static List<String> quietOnNewerJdks() {
        return Runtime.version().feature() >= 24
            ? List.of("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED")
            : List.of();
    }

    /** Starts the JVM (does not wait for it to be ready; see {@link #awaitHealthy}). */
    public synchronized ServiceProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running already (pid " + process.pid() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        // Tomcat's work folders and native libraries beside the log, not in the system's temp directory.
        Path tmp = log.toAbsolutePath().getParent().resolve("tmp").resolve(name);
        command.add("-Djava.io.tmpdir=" + tmp);
        command.addAll(quietOnNewerJdks());
        command.addAll(jvmOptions);
        if (loaderPath == null) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-Dloader.path=" + loaderPath.toAbsolutePath());
            command.add("-cp");
            command.add(jar.toString());
            command.add("org.springframework.boot.loader.launch.PropertiesLauncher");
        }
        command.add("--server.port=" + port);
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            Files.createDirectories(tmp);
            process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + " from " + jar, e);
        }
        return this;
    }

    /**
     * Waits until {@code /actuator/health} answers UP.
     *
     * @throws IllegalStateException with the end of its log if it exits or does not get healthy in time
     */
    public ServiceProcess awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting:\n" + tail());
            }
            try {
                Http.Response health = Http.get(baseUrl() + "/actuator/health");
                if (health.status() == 200 && health.body().contains("\"UP\"")) {
                    return this;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            sleepQuietly(Duration.ofMillis(250));
        }
        throw new IllegalStateException(name + " was not healthy within " + timeout + ":\n" + tail());
    }

    /** The name given at construction. */
    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:port}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Whether the JVM runs. */
    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Kills the JVM at once (SIGKILL): no shutdown hooks, no graceful anything, like a crash. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(30));
        }
    }

    /** Stops the JVM politely (SIGTERM), killing it if it does not exit within 30 s. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!waitFor(Duration.ofSeconds(30))) {
                kill();
            }
        }
    }

    /** The last lines of the log. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** The log file. */
    public Path log() {
        return log;
    }

    @Override
    public void close() {
        stop();
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Pauses, keeping the interrupt flag if interrupted. */
    public static void sleepQuietly(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
