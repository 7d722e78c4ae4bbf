package dev.txmsg.benchmark.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * The seven scenarios of the issue, and {@code txmsg-sequential} (txmsg without the overlapped half
 * send), started together so that every one runs against the same broker, database and payload.
 */
public final class Scenarios {

    /** Every scenario's name, in the order of the results. */
    public static final List<String> NAMES = List.of(TxmsgScenario.NAME, TxmsgScenario.SEQUENTIAL, TxmsgInTxScenario.NAME, RawRocketMqScenario.NAME,
        RocketMqSpringScenario.NAME, UnsafeBaselineScenario.NAME, DbOnlyScenario.NAME, SendOnlyScenario.NAME);

    /** The scenario every ratio is taken against. */
    public static final String BASELINE = UnsafeBaselineScenario.NAME;

    private Scenarios() {
    }

    /** Starts every scenario's clients, in the order of {@link #NAMES}; on a failure stops those already started. */
    public static List<Scenario> start(String nameServer, DataSource dataSource) {
        List<Supplier<Scenario>> starters = List.of(
            () -> new TxmsgScenario(nameServer, dataSource, true),
            () -> new TxmsgScenario(nameServer, dataSource, false),
            () -> new TxmsgInTxScenario(nameServer, dataSource),
            () -> new RawRocketMqScenario(nameServer, dataSource),
            () -> new RocketMqSpringScenario(nameServer, dataSource),
            () -> new UnsafeBaselineScenario(nameServer, dataSource),
            () -> new DbOnlyScenario(dataSource),
            () -> new SendOnlyScenario(nameServer));
        List<Scenario> started = new ArrayList<>();
        try {
            for (Supplier<Scenario> starter : starters) {
                started.add(starter.get());
            }
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
        return List.copyOf(started);
    }

    /** Stops every scenario's clients. */
    public static void closeAll(List<Scenario> scenarios) {
        scenarios.forEach(Scenario::close);
    }

    /**
     * The scenarios rotated by {@code round}: each thread count starts with another scenario, so
     * that drift of the machine (caches, table growth, a neighbour's load) does not always hit the same one.
     */
    public static List<Scenario> rotated(List<Scenario> scenarios, int round) {
        List<Scenario> order = new ArrayList<>(scenarios.size());
        for (int i = 0; i < scenarios.size(); i++) {
            order.add(scenarios.get((i + round) % scenarios.size()));
        }
        return order;
    }
}
