package dev.txmsg.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a newcomer runs it: the demo's jar in a JVM of its own, on ports
 * chosen free, its console read as a person reads it. The story is the same every time, every
 * cancelled order says why, and stopping it (SIGTERM; Ctrl-C runs the same shutdown hook) prints
 * no error and no stack trace. A port in use stops it before anything starts.
 */
class DemoIT {

    private static final Path ROOT = SampleJars.checkout();

    @Test
    void theDemoTellsTheSameStoryEveryTimeAndStopsQuietly() throws Exception {
        Path console = ROOT.resolve("txmsg-demo").resolve("target").resolve("demo-it-console.log");
        Process demo = start(console, "--name-server-port", free(), "--order-port", free(), "--account-port", free());
        try {
            await("the demo's story (console in " + console + ")").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> !demo.isAlive() || Files.readString(console).contains("Ctrl-C stops the demo."));
            assertThat(demo.isAlive()).as("the demo runs on:\n%s", Files.readString(console)).isTrue();

            List<String> orders = Files.readAllLines(console).stream().filter(l -> l.startsWith("[demo] order ")).toList();
            assertThat(orders).hasSize(7);
            assertThat(orders.get(0)).contains("alice", "12.50", "PAID after").doesNotContain(": ");
            assertThat(orders.get(1)).contains("bob", "25.00", "PAID after");
            assertThat(orders.get(2)).contains("carol", "9.99", "CANCELLED after").endsWith(": insufficient funds (balance 5.00)");
            assertThat(orders.get(3)).contains("alice", "40.00", "PAID after");
            assertThat(orders.get(4)).contains("bob", "10.00", "CANCELLED after").endsWith(": insufficient funds (balance 5.00)");
            assertThat(orders.get(5)).contains("alice", "60.00", "CANCELLED after").endsWith(": insufficient funds (balance 47.50)");
            assertThat(orders.get(6)).contains("dave", "1.00", "CANCELLED after").endsWith(": unknown account dave");
            assertThat(Files.readString(console)).contains("[demo] accounts: alice 47.50, bob 5.00, carol 5.00")
                .contains("curl '").contains("/orders?accountId=erin'")
                .contains("The operator consoles (user operator, password operator-secret):");
            // The consoles and the curl hints work with the credentials printed, and not without them.
            List<String> consoles = Files.readAllLines(console).stream().map(String::strip)
                .filter(l -> l.startsWith("http://") && l.endsWith("/actuator/txmsgconsole")).toList();
            assertThat(consoles).hasSize(2);
            for (String page : consoles) {
                assertThat(get(page, "operator:operator-secret")).startsWith("200 ").contains("<title>txmsg console</title>");
                assertThat(get(page, null)).startsWith("401 ");
                assertThat(get(page.replace("txmsgconsole", "txmsg"), "operator:operator-secret")).startsWith("200 ").contains("deadLetters");
            }
        } finally {
            demo.destroy(); // SIGTERM: the shutdown hook Ctrl-C runs
            if (!demo.waitFor(2, TimeUnit.MINUTES)) {
                demo.destroyForcibly();
            }
        }
        String all = Files.readString(console);
        assertThat(all).as("the whole console").contains("[demo] stopped in ")
            .doesNotContain("ERROR", "Exception", "\tat ", "WARN", "\u001b[");
    }

    @Test
    void aPortInUseStopsTheDemoBeforeAnythingStartsAndSaysWhichOptionChangesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path console = ROOT.resolve("txmsg-demo").resolve("target").resolve("demo-it-port-console.log");
            Process demo = start(console, "--name-server-port", free(), "--account-port", free(),
                "--order-port", Integer.toString(taken.getLocalPort()));

            assertThat(demo.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(demo.exitValue()).isEqualTo(1);
            assertThat(Files.readString(console))
                .contains("port " + taken.getLocalPort() + ", which the demo gives to order-service, is in use")
                .contains("--order-port <port>")
                .doesNotContain("starting", "Exception");
        }
    }

    private static Process start(Path console, String... args) throws IOException {
        Files.createDirectories(console.getParent());
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(ServiceProcess.quietOnNewerJdks()); // as ./demo passes them
        // its own directory: a demo the developer left running keeps target/demo
        command.add("-Dtxmsg.demo.dir=" + ROOT.resolve("txmsg-demo").resolve("target").resolve("demo-it"));
        Path tmp = Files.createDirectories(ROOT.resolve("txmsg-demo").resolve("target").resolve("demo-it-tmp"));
        command.add("-Djava.io.tmpdir=" + tmp); // as ./demo does
        command.addAll(List.of("-jar", ROOT.resolve("txmsg-demo").resolve("target").resolve("txmsg-demo-0.1.0-SNAPSHOT.jar").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
            .redirectOutput(console.toFile()).start();
    }

    private static String free() {
        return Integer.toString(ServiceProcess.freePort());
    }

    /** GET {@code url} as curl -u would ({@code credentials} user:password, or none): "status body". */
    private static String get(String url, String credentials) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .header("Accept", "*/*");
        if (credentials != null) {
            request.header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
            .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
