package dev.txmsg.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class DemoArgumentsTest {

    @Test
    void theDefaultsAreHalfMessageModeOn9876And8081And8082() {
        assertThat(DemoOptions.parse()).isEqualTo(new DemoOptions("half-message", 9876, 8081, 8082, 1));
        assertThat(DemoOptions.parse("--mode", "outbox").mode()).isEqualTo("outbox");
        assertThat(DemoOptions.parse("--mode=outbox", "--order-port", "9081", "--account-port=9082", "--name-server-port", "19876"))
            .isEqualTo(new DemoOptions("outbox", 19876, 9081, 9082, 1));
    }

    @Test
    void aWrongArgumentIsRefusedSayingWhatIsAllowed() {
        assertThatThrownBy(() -> DemoOptions.parse("--mode", "kafka"))
            .hasMessageContaining("--mode must be half-message or outbox, was 'kafka'");
        assertThatThrownBy(() -> DemoOptions.parse("--fast")).hasMessageContaining("unknown argument '--fast'");
        assertThatThrownBy(() -> DemoOptions.parse("--order-port", "80810"))
            .hasMessageContaining("--order-port must be a port number from 1 to 65535, was '80810'");
        assertThatThrownBy(() -> DemoOptions.parse("--account-port")).hasMessageContaining("--account-port needs a value");
        assertThatThrownBy(() -> DemoOptions.parse("--account-port", "8081")).hasMessageContaining("the three ports must differ");
    }

    @Test
    void aPortInUseIsNamedWithTheOptionThatChangesIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            DemoOptions options = DemoOptions.parse("--order-port", Integer.toString(port),
                "--name-server-port", Integer.toString(ServiceProcess.freePort()), "--account-port", Integer.toString(ServiceProcess.freePort()));

            assertThatThrownBy(options::requirePortsFree)
                .hasMessageContaining("port " + port + ", which the demo gives to order-service, is in use")
                .hasMessageContaining("--order-port <port>");
        }
    }
}
