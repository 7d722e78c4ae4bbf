package dev.txmsg.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's command line: the mode and the three ports it listens on.
 *
 * @param mode           {@code half-message} (the default) or {@code outbox}
 * @param nameServerPort the local RocketMQ name server's port (default 9876)
 * @param orderPort      the order service's HTTP port (default 8081)
 * @param accountPort    the account service's HTTP port (default 8082)
 * @param brokers        how many broker groups the local RocketMQ runs (default 1; 2 or 3 make a cluster)
 */
public record DemoOptions(String mode, int nameServerPort, int orderPort, int accountPort, int brokers) {

    /** What {@code --help} and a wrong argument print. */
    public static final String USAGE = """
        usage: java -jar txmsg-demo/target/txmsg-demo-0.1.0-SNAPSHOT.jar [options]
          --mode half-message|outbox   how the services publish (default half-message)
          --name-server-port <port>    the local RocketMQ name server (default 9876)
          --order-port <port>          order-service's HTTP port (default 8081)
          --account-port <port>        account-service's HTTP port (default 8082)
          --brokers 1|2|3              broker groups behind the name server (default 1; 2: broker-a and broker-b)""";

    /** The defaults: half-message mode on 9876, 8081 and 8082. */
    public static DemoOptions defaults() {
        return new DemoOptions("half-message", 9876, 8081, 8082, 1);
    }

    /**
     * Reads the arguments ({@code --name value} or {@code --name=value}).
     *
     * @throws IllegalArgumentException saying what was wrong and what is allowed
     */
    public static DemoOptions parse(String... args) {
        DemoOptions o = defaults();
        String mode = o.mode;
        int nameServer = o.nameServerPort;
        int order = o.orderPort;
        int account = o.accountPort;
        int brokers = o.brokers;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            String value;
            int eq = name.indexOf('=');
            if (eq > 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && isOption(name)) {
                value = args[++i];
            } else if (isOption(name)) {
                throw new IllegalArgumentException(name + " needs a value");
            } else {
                throw new IllegalArgumentException("unknown argument '" + name + "'");
            }
            switch (name) {
                case "--mode" -> {
                    if (!value.equals("half-message") && !value.equals("outbox")) {
                        throw new IllegalArgumentException("--mode must be half-message or outbox, was '" + value + "'");
                    }
                    mode = value;
                }
                case "--name-server-port" -> nameServer = port(name, value);
                case "--order-port" -> order = port(name, value);
                case "--account-port" -> account = port(name, value);
                case "--brokers" -> {
                    if (!value.matches("[123]")) {
                        throw new IllegalArgumentException("--brokers must be 1, 2 or 3, was '" + value + "'");
                    }
                    brokers = Integer.parseInt(value);
                }
                default -> throw new IllegalArgumentException("unknown argument '" + name + "'");
            }
        }
        DemoOptions parsed = new DemoOptions(mode, nameServer, order, account, brokers);
        if (parsed.ports().values().stream().distinct().count() < 3) {
            throw new IllegalArgumentException("the three ports must differ, were " + parsed.ports());
        }
        return parsed;
    }

    /** Each port with who listens on it and the option that changes it, in the order they start. */
    public Map<String, Integer> ports() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("RocketMQ name server (--name-server-port)", nameServerPort);
        ports.put("account-service (--account-port)", accountPort);
        ports.put("order-service (--order-port)", orderPort);
        return ports;
    }

    /**
     * Checks that no other program listens on the demo's ports, before anything starts.
     *
     * @throws IllegalStateException naming the first port in use and the option that changes it
     */
    public void requirePortsFree() {
        requireFree(nameServerPort, "the RocketMQ name server", "--name-server-port");
        requireFree(accountPort, "account-service", "--account-port");
        requireFree(orderPort, "order-service", "--order-port");
    }

    static void requireFree(int port, String who, String option) {
        String problem = null;
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            problem = "is in use by another program (another demo still running?)";
        } catch (IOException nobodyListens) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(port));
            } catch (IOException e) {
                problem = "cannot be opened (" + e.getMessage() + "): another program holds it?";
            }
        }
        if (problem != null) {
            throw new IllegalStateException("port " + port + ", which the demo gives to " + who + ", " + problem
                + ". Stop that program, or choose another port: " + option + " <port>");
        }
    }

    private static boolean isOption(String name) {
        return name.equals("--mode") || name.equals("--name-server-port") || name.equals("--order-port")
            || name.equals("--account-port") || name.equals("--brokers");
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(option + " must be a port number from 1 to 65535, was '" + value + "'");
    }
}
