package dev.txmsg.benchmark.load;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: {@code threads} threads each call the operation again as soon as it returns,
 * first for the warm-up (unrecorded), then for the measured window. An operation is counted in the
 * window it began in; throughput is those operations divided by the window's length.
 */
public final class ClosedLoop {

    private static final int WARMUP = 0;
    private static final int MEASURE = 1;
    private static final int STOP = 2;

    private final OrderIds orderIds;

    /** A loop that draws order ids from {@code orderIds}. */
    public ClosedLoop(OrderIds orderIds) {
        this.orderIds = orderIds;
    }

    /** What each thread calls. */
    @FunctionalInterface
    public interface Operation {
        /** Does one operation for order {@code orderId}; an exception counts as an error. */
        void execute(long orderId) throws Exception;
    }

    /** Runs {@code operation} on {@code threads} threads for {@code time}, measuring nothing. */
    public void warmUp(String scenario, int threads, Duration time, Operation operation) {
        run(scenario, threads, time, Duration.ZERO, operation);
    }

    /** Runs {@code operation} on {@code threads} threads and measures the window after the warm-up. */
    public Measurement run(String scenario, int threads, Duration warmup, Duration duration, Operation operation) {
        AtomicInteger phase = new AtomicInteger(WARMUP);
        List<Worker> workers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Worker w = new Worker(phase, operation);
            workers.add(w);
            Thread t = new Thread(w, "bench-" + scenario + "-" + i);
            t.setDaemon(true);
            running.add(t);
        }
        running.forEach(Thread::start);
        sleep(warmup);
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        phase.set(MEASURE);
        sleep(duration);
        phase.set(STOP);
        long window = System.nanoTime() - start;
        long cpu = processCpuNanos() - cpuStart;
        for (Thread t : running) {
            join(t);
        }
        Histogram latency = new Histogram(3);
        long errors = 0;
        String firstError = null;
        for (Worker w : workers) {
            latency.add(w.latency);
            errors += w.errors;
            if (firstError == null && w.firstError != null) {
                firstError = w.firstError.toString();
            }
        }
        return new Measurement(scenario, threads, latency.getTotalCount(), errors, start, window, cpu, latency, firstError);
    }

    private final class Worker implements Runnable {
        private final AtomicInteger phase;
        private final Operation operation;
        private final Histogram latency = new Histogram(3);
        private long errors;
        private Exception firstError;

        Worker(AtomicInteger phase, Operation operation) {
            this.phase = phase;
            this.operation = operation;
        }

        @Override
        public void run() {
            for (int p = phase.get(); p != STOP; p = phase.get()) {
                long orderId = orderIds.next();
                long begin = System.nanoTime();
                try {
                    operation.execute(orderId);
                    if (p == MEASURE) {
                        latency.recordValue(System.nanoTime() - begin);
                    }
                } catch (Exception e) {
                    if (p == MEASURE) {
                        errors++;
                    }
                    if (firstError == null) {
                        firstError = e;
                    }
                }
            }
        }
    }

    /** CPU time of this JVM, all threads. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void sleep(Duration d) {
        try {
            TimeUnit.NANOSECONDS.sleep(d.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during a measurement", e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + t.getName(), e);
        }
    }
}
