package dev.txmsg.faults.agent;

import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The faults armed in this JVM and their counters. Unarmed, every check is one volatile read.
 */
public final class Faults {

    /**
     * One armed fault.
     *
     * @param fault       which
     * @param marker      for KILL_BEFORE_COMMIT / KILL_AFTER_COMMIT: SQL that marks the transaction to kill in
     * @param after       for kill faults: the occurrence that kills (1 = the first)
     * @param probability for LOSE_ENDS / KILL_CHECK_BACK_CONNECTIONS: the chance of each injection
     */
    public record Armed(Fault fault, String marker, int after, double probability) {
    }

    private volatile Map<Fault, Armed> armed = Map.of();
    private final Map<Fault, AtomicInteger> occurrences = new EnumMap<>(Fault.class);
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);

    public Faults() {
        for (Fault f : Fault.values()) {
            occurrences.put(f, new AtomicInteger());
            injected.put(f, new AtomicInteger());
        }
    }

    /** Arms {@code faults} (replacing what was armed), resetting the counters. */
    public synchronized void arm(List<Armed> faults) {
        occurrences.values().forEach(c -> c.set(0));
        injected.values().forEach(c -> c.set(0));
        Map<Fault, Armed> next = new EnumMap<>(Fault.class);
        faults.forEach(a -> next.put(a.fault(), a));
        armed = Map.copyOf(next);
        System.err.println("txmsg-faults: armed " + faults);
    }

    /** Disarms everything. */
    public void disarm() {
        armed = Map.of();
    }

    /** What is armed. */
    public Map<Fault, Armed> armed() {
        return armed;
    }

    /** How many times each fault was injected since it was armed. */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> out = new EnumMap<>(Fault.class);
        injected.forEach((f, n) -> out.put(f, n.get()));
        return out;
    }

    /** Whether {@code fault} is armed and the SQL {@code sql} carries its marker. */
    boolean marks(Fault fault, String sql) {
        Armed a = armed.get(fault);
        return a != null && sql != null && a.marker() != null
            && sql.toLowerCase(Locale.ROOT).contains(a.marker().toLowerCase(Locale.ROOT));
    }

    /** Whether {@code fault} is armed (for faults that hold while armed), counting the injection. */
    boolean holds(Fault fault) {
        if (!armed.containsKey(fault)) {
            return false;
        }
        injected.get(fault).incrementAndGet();
        return true;
    }

    /** Counts an occurrence of {@code fault}'s point and kills the JVM at the armed one. */
    void occurrence(Fault fault) {
        Armed a = armed.get(fault);
        if (a == null) {
            return;
        }
        int n = occurrences.get(fault).incrementAndGet();
        if (n == a.after()) {
            kill(fault + " at occurrence " + n);
        }
    }

    /** Whether {@code fault} is armed and strikes now (its probability). */
    boolean strikes(Fault fault) {
        Armed a = armed.get(fault);
        if (a == null || ThreadLocalRandom.current().nextDouble() >= a.probability()) {
            return false;
        }
        injected.get(fault).incrementAndGet();
        return true;
    }

    /** Ends the JVM at once, as SIGKILL would: no shutdown hooks, no flushing. */
    static void kill(String where) {
        System.err.println("txmsg-faults: killing the JVM: " + where);
        System.err.flush();
        Runtime.getRuntime().halt(137);
    }
}
