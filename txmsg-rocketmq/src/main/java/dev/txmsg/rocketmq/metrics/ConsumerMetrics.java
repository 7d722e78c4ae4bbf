package dev.txmsg.rocketmq.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The consumer side's meters:
 * <ul>
 * <li>{@code txmsg.consume} (counter, tags {@code group} and {@code outcome}: applied, duplicate, retry, dead)</li>
 * <li>{@code txmsg.dead.letters} (gauge): dead letters waiting for an operator</li>
 * <li>{@code txmsg.in.doubt} (gauge): in-doubt transactions waiting for an operator</li>
 * </ul>
 * The gauges count rows in the database, at most once per refresh interval.
 */
public final class ConsumerMetrics {

    private static final Duration REFRESH = Duration.ofSeconds(30);

    private final MeterRegistry registry;
    private final MessageTracing tracing;

    /** Meters in {@code registry}. */
    public ConsumerMetrics(MeterRegistry registry) {
        this(registry, MessageTracing.none());
    }

    /** Meters in {@code registry}, and observations of each delivery with {@code tracing}. */
    public ConsumerMetrics(MeterRegistry registry, MessageTracing tracing) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    /** The observations of deliveries (none unless an {@code ObservationRegistry} was given). */
    public MessageTracing tracing() {
        return tracing;
    }

    /** Meters in a registry of their own. */
    public static ConsumerMetrics standalone() {
        return new ConsumerMetrics(new SimpleMeterRegistry());
    }

    /** The registry. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts a delivery of {@code group} by its outcome (applied, duplicate, retry, dead, ...). */
    public void consumed(String group, Enum<?> outcome) {
        Counter.builder("txmsg.consume").description("deliveries by outcome")
            .tag("group", group).tag("outcome", outcome.name().toLowerCase(Locale.ROOT)).register(registry).increment();
    }

    /** Publishes a gauge whose value is counted by {@code count}, at most once per 30 s. */
    public void countGauge(String name, String description, Callable<Long> count) {
        Gauge.builder(name, new Cached(count), Cached::value).description(description).register(registry);
    }

    /** A count refreshed at most once per interval; -1 until it could be counted. */
    private static final class Cached {
        private final Callable<Long> count;
        private final AtomicLong value = new AtomicLong(-1);
        private volatile long countedAt;

        Cached(Callable<Long> count) {
            this.count = count;
        }

        double value() {
            long now = System.nanoTime();
            if (countedAt == 0 || now - countedAt > REFRESH.toNanos()) {
                countedAt = now;
                try {
                    value.set(count.call());
                } catch (Exception e) {
                    // keep the last value; the database may be back at the next refresh
                }
            }
            return value.get();
        }
    }
}
