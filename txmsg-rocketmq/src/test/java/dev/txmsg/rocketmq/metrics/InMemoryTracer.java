package dev.txmsg.rocketmq.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.propagation.TraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;

/**
 * A real tracer (Brave, W3C {@code traceparent} propagation, everything sampled) wired to an
 * {@link ObservationRegistry} as Spring Boot wires it, keeping the finished spans in memory.
 */
final class InMemoryTracer implements AutoCloseable {

    private final List<MutableSpan> spans = new CopyOnWriteArrayList<>();
    private final Tracing tracing;
    private final ObservationRegistry registry = ObservationRegistry.create();

    InMemoryTracer() {
        BraveBaggageManager baggage = new BraveBaggageManager();
        this.tracing = Tracing.newBuilder()
            .localServiceName("txmsg-test")
            .currentTraceContext(ThreadLocalCurrentTraceContext.create())
            .propagationFactory(new W3CPropagation(baggage, List.of()))
            .traceId128Bit(true)
            .sampler(Sampler.ALWAYS_SAMPLE)
            .addSpanHandler(new SpanHandler() {
                @Override
                public boolean end(TraceContext context, MutableSpan span, Cause cause) {
                    spans.add(span);
                    return true;
                }
            })
            .build();
        Tracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()), baggage);
        BravePropagator propagator = new BravePropagator(tracing);
        registry.observationConfig().observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
            new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
            new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
            new DefaultTracingObservationHandler(tracer)));
    }

    /** The registry to give txmsg. */
    ObservationRegistry registry() {
        return registry;
    }

    /** The spans finished so far. */
    List<MutableSpan> spans() {
        return List.copyOf(spans);
    }

    /** The finished spans named {@code name}. */
    List<MutableSpan> named(String name) {
        return spans.stream().filter(s -> name.equals(s.name())).toList();
    }

    @Override
    public void close() {
        tracing.close();
    }
}
