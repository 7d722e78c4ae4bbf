package dev.txmsg.benchmark.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import javax.sql.DataSource;

/**
 * The seven scenarios of the issue, {@code txmsg-sequential} (txmsg without the overlapped half
 * send), {@code txmsg-3} (three messages in one transaction) and {@code txmsg-outbox} (outbox
 * mode), started together so that every one runs against the same broker, database and payload.
 */
public final class Scenarios {

    /** Every scenario's name, in the order of the results. */
    public static final List<String> NAMES = List.of(TxmsgScenario.NAME, TxmsgScenario.SEQUENTIAL, TxmsgInTxScenario.NAME,
        TxmsgSeveralScenario.NAME, TxmsgOutboxScenario.NAME, RawRocketMqScenario.NAME, RocketMqSpringScenario.NAME, UnsafeBaselineScenario.NAME,
        DbOnlyScenario.NAME, SendOnlyScenario.NAME);

    /** txmsg's own scenario, the one compared with its peers. */
    public static final String TXMSG = TxmsgScenario.NAME;

    /** The peers txmsg is compared with: the same reliable send written by hand on the raw client, and with rocketmq-spring. */
    public static final List<String> PEERS = List.of(RawRocketMqScenario.NAME, RocketMqSpringScenario.NAME);

    /** txmsg with three messages in one local transaction. */
    public static final String SEVERAL = TxmsgSeveralScenario.NAME;

    /** txmsg in outbox mode. */
    public static final String OUTBOX = TxmsgOutboxScenario.NAME;

    /** The scenario every ratio is taken against. */
    public static final String BASELINE = UnsafeBaselineScenario.NAME;

    private Scenarios() {
    }

    /**
     * Starts the clients of the scenarios {@code names}, in the order of {@link #NAMES}; on a
     * failure stops those already started.
     */
    public static List<Scenario> start(String nameServer, DataSource dataSource, List<String> names) {
        Map<String, Supplier<Scenario>> starters = new LinkedHashMap<>();
        starters.put(TxmsgScenario.NAME, () -> new TxmsgScenario(nameServer, dataSource, true));
        starters.put(TxmsgScenario.SEQUENTIAL, () -> new TxmsgScenario(nameServer, dataSource, false));
        starters.put(TxmsgInTxScenario.NAME, () -> new TxmsgInTxScenario(nameServer, dataSource));
        starters.put(TxmsgSeveralScenario.NAME, () -> new TxmsgSeveralScenario(nameServer, dataSource));
        starters.put(TxmsgOutboxScenario.NAME, () -> new TxmsgOutboxScenario(nameServer, dataSource));
        starters.put(RawRocketMqScenario.NAME, () -> new RawRocketMqScenario(nameServer, dataSource));
        starters.put(RocketMqSpringScenario.NAME, () -> new RocketMqSpringScenario(nameServer, dataSource));
        starters.put(UnsafeBaselineScenario.NAME, () -> new UnsafeBaselineScenario(nameServer, dataSource));
        starters.put(DbOnlyScenario.NAME, () -> new DbOnlyScenario(dataSource));
        starters.put(SendOnlyScenario.NAME, () -> new SendOnlyScenario(nameServer));
        List<Scenario> started = new ArrayList<>();
        try {
            for (Map.Entry<String, Supplier<Scenario>> starter : starters.entrySet()) {
                if (names.contains(starter.getKey())) {
                    started.add(starter.getValue().get());
                }
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
     * The scenarios rotated by {@code round}: each round starts with another scenario, so that drift
     * of the machine (caches, table growth, a neighbour's load) does not always hit the same one.
     */
    public static List<Scenario> rotated(List<Scenario> scenarios, int round) {
        List<Scenario> order = new ArrayList<>(scenarios.size());
        for (int i = 0; i < scenarios.size(); i++) {
            order.add(scenarios.get((i + round) % scenarios.size()));
        }
        return order;
    }
}
