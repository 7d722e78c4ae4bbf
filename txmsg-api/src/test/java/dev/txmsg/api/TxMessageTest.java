package dev.txmsg.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TxMessageTest {

    @Test
    void isImmutable() {
        byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
        TxMessage message = TxMessage.builder("T").tag("A").keys("k1", "k2").body(body).property("p", "v").build();

        body[0] = 'X';
        message.body()[1] = 'Y';

        assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(message.keys()).containsExactly("k1", "k2");
        assertThatThrownBy(() -> message.properties().put("q", "w")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void payloadAndBodyReplaceEachOther() {
        TxMessage payload = TxMessage.builder("T").body(new byte[] {1}).payload("object").build();
        TxMessage bytes = TxMessage.builder("T").payload("object").body(new byte[] {1}).build();

        assertThat(payload.body()).isNull();
        assertThat(payload.payload()).isEqualTo("object");
        assertThat(bytes.payload()).isNull();
        assertThat(bytes.body()).containsExactly(1);
    }

    @Test
    void refusesWhatCannotBeAMessage() {
        assertThatThrownBy(() -> TxMessage.builder(null).body(new byte[] {1}).build()).hasMessage("topic must not be blank");
        assertThatThrownBy(() -> TxMessage.builder("T").build()).hasMessageContaining("has no body");
        assertThatThrownBy(() -> TxMessage.builder("T").body(new byte[0]).build()).hasMessageContaining("empty body");
        assertThatThrownBy(() -> TxMessage.builder("T").property(" ", "v")).hasMessageContaining("property name");
    }
}
