package dev.txmsg.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DemoArgumentsTest {

    @Test
    void theModeIsHalfMessageUnlessOutboxIsAsked() {
        assertThat(Demo.mode(new String[0])).isEqualTo("half-message");
        assertThat(Demo.mode(new String[] {"--mode", "outbox"})).isEqualTo("outbox");
        assertThat(Demo.mode(new String[] {"--mode=outbox"})).isEqualTo("outbox");
    }

    @Test
    void anUnknownModeOrArgumentIsRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> Demo.mode(new String[] {"--mode", "kafka"}))
            .hasMessageContaining("--mode must be half-message or outbox, was 'kafka'");
        assertThatThrownBy(() -> Demo.mode(new String[] {"--fast"}))
            .hasMessageContaining("unknown argument '--fast'");
    }
}
