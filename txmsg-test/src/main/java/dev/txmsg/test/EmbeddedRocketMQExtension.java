package dev.txmsg.test;

import java.util.Objects;
import java.util.function.Consumer;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that provides a running {@link EmbeddedRocketMQ}.
 *
 * <p>Declared with {@code @ExtendWith(EmbeddedRocketMQExtension.class)} (or
 * {@link WithEmbeddedRocketMQ}), it shares one broker with default settings across every test
 * class of the JVM and stops it when the run ends. Test methods, constructors and lifecycle
 * methods may declare an {@code EmbeddedRocketMQ} parameter.
 *
 * <p>Registered on a static field with settings of its own, it starts a broker for that class
 * alone and stops it after the class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static EmbeddedRocketMQExtension mq = EmbeddedRocketMQExtension.perClass(b -> b.transactionCheckMax(2));
 * }</pre>
 */
public final class EmbeddedRocketMQExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EmbeddedRocketMQExtension.class);
    private static final String SHARED = "shared";

    private final Consumer<EmbeddedRocketMQ.Builder> settings;
    private EmbeddedRocketMQ own;
    private EmbeddedRocketMQ current;

    /** The shared broker with default settings, one per JVM. */
    public EmbeddedRocketMQExtension() {
        this.settings = null;
    }

    private EmbeddedRocketMQExtension(Consumer<EmbeddedRocketMQ.Builder> settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A broker of the test class's own, with settings applied to the default builder. */
    public static EmbeddedRocketMQExtension perClass(Consumer<EmbeddedRocketMQ.Builder> settings) {
        return new EmbeddedRocketMQExtension(settings);
    }

    /** The running broker; available from {@code @BeforeAll} on. */
    public EmbeddedRocketMQ broker() {
        if (current == null) {
            throw new IllegalStateException("the embedded broker starts before all tests of the class; it is not running yet");
        }
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (settings == null) {
            current = context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SHARED, k -> new SharedBroker(EmbeddedRocketMQ.builder().build().start()), SharedBroker.class)
                .broker;
        } else {
            EmbeddedRocketMQ.Builder builder = EmbeddedRocketMQ.builder();
            settings.accept(builder);
            own = builder.build().start();
            current = own;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (own != null) {
            own.close();
            own = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedRocketMQ.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (current == null) {
            beforeAll(context);
        }
        return current;
    }

    /** Closes the shared broker when the JUnit run ends. */
    private record SharedBroker(EmbeddedRocketMQ broker) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }
}
