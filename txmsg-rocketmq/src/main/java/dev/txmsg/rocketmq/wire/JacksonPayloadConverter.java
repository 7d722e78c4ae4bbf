package dev.txmsg.rocketmq.wire;

import java.io.IOException;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.txmsg.api.PayloadConverter;

/** JSON bodies (UTF-8) through a Jackson {@link ObjectMapper}; the starter uses the application's. */
public final class JacksonPayloadConverter implements PayloadConverter {

    private final ObjectMapper mapper;

    /** Converts with {@code mapper}. */
    public JacksonPayloadConverter(ObjectMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    @Override
    public byte[] toBytes(Object payload) {
        try {
            return mapper.writeValueAsBytes(payload);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + payload.getClass().getName() + " as JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T fromBytes(byte[] body, Class<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the body as " + type.getName() + ": " + e.getMessage(), e);
        }
    }
}
