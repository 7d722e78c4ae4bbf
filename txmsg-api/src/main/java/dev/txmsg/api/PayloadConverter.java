package dev.txmsg.api;

/**
 * Turns payload objects into message bodies and back. The Spring Boot starter provides one based
 * on the application's Jackson {@code ObjectMapper} (JSON, UTF-8).
 */
public interface PayloadConverter {

    /**
     * Converts a payload to a body.
     *
     * @throws IllegalArgumentException if the payload cannot be converted
     */
    byte[] toBytes(Object payload);

    /**
     * Converts a body to an object of {@code type}.
     *
     * @throws IllegalArgumentException if the body cannot be read as {@code type}
     */
    <T> T fromBytes(byte[] body, Class<T> type);
}
