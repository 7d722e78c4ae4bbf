package dev.txmsg.faults.suite;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.txmsg.demo.ServiceProcess;
import dev.txmsg.faults.agent.Fault;
import dev.txmsg.faults.agent.Faults.Armed;

/**
 * F1 to F14: how each fault is injected into an iteration, and whether it fired. Some apply to one
 * sending mode only: a lost end has no meaning in outbox mode, a relay has none in half-message mode.
 */
enum FaultCase {
    F1("order service killed after its half message was accepted, before the local transaction committed") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.KILL_AFTER_HALF_ACCEPTED, null, 1 + rnd.nextInt(orders / 2), 0)));
        }
    },
    F2("order service killed inside the local transaction, after the business SQL, before COMMIT") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.KILL_BEFORE_COMMIT, "INSERT INTO orders", 1 + rnd.nextInt(orders / 2), 0)));
        }
    },
    F3("order service killed after the local COMMIT, before the end-transaction") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.KILL_BEFORE_END, null, 1 + rnd.nextInt(orders / 2), 0)));
        }
    },
    F4("end-transactions of the order service lost (half of them), the process running on") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.LOSE_ENDS, null, 0, 0.5)));
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return injected.getOrDefault(Fault.LOSE_ENDS.name(), 0) > 0;
        }
    },
    F5("database connections of check-backs killed (KILL <id>, pg_terminate_backend on PostgreSQL) while in use, ends lost so that check-backs happen") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.LOSE_ENDS, null, 0, 0.7), new Armed(Fault.KILL_CHECK_BACK_CONNECTIONS, null, 0, 0.5)));
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return injected.getOrDefault(Fault.KILL_CHECK_BACK_CONNECTIONS.name(), 0) > 0;
        }
    },
    F6("broker process killed (SIGKILL) under load and restarted on the same store (in a cluster: every broker)") {
        @Override
        int during(Cluster c, Random rnd) {
            c.broker.kill();
            c.broker.restart();
            return 1;
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return during > 0;
        }
    },
    F7("account service killed inside its handler, after the debit, before COMMIT") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.account, List.of(new Armed(Fault.KILL_BEFORE_COMMIT, "UPDATE accounts", 1 + rnd.nextInt(orders / 2), 0)));
        }

        @Override
        ServiceProcess target(Cluster c) {
            return c.account;
        }
    },
    F8("account service killed after its handler's COMMIT, before the acknowledgement") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.account, List.of(new Armed(Fault.KILL_AFTER_COMMIT, "INSERT INTO txmsg_consume_log", 1 + rnd.nextInt(orders / 2), 0)));
        }

        @Override
        ServiceProcess target(Cluster c) {
            return c.account;
        }
    },
    F9("all database connections of the order service killed, three times, under load") {
        @Override
        int during(Cluster c, Random rnd) {
            int killed = 0;
            for (int i = 0; i < 3; i++) {
                try {
                    killed += c.db.killConnections(c.db.order);
                } catch (SQLException e) {
                    throw new IllegalStateException("could not kill the order service's connections", e);
                }
                ServiceProcess.sleepQuietly(Duration.ofMillis(300 + rnd.nextInt(700)));
            }
            return killed;
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return during > 0;
        }
    },
    F10("orders placed in a nested scope (PROPAGATION_NESTED) that the order service rolls back while its transaction commits, under load") {
        @Override
        int during(Cluster c, Random rnd) {
            return c.nestedRollbacks(5);
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return during > 0;
        }
    },
    F11("the order service's database unreachable for longer than the broker's whole check window (ends lost), so that half "
        + "messages are parked in TRANS_CHECK_MAX_TIME_TOPIC and the in-doubt watcher's first settle fails") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.LOSE_ENDS, null, 0, 1.0)));
        }

        @Override
        int during(Cluster c, Random rnd) {
            long failedBefore = c.inDoubtSettleFailures(c.order);
            c.arm(c.order, List.of(new Armed(Fault.LOSE_ENDS, null, 0, 1.0), new Armed(Fault.DATABASE_UNREACHABLE, null, 0, 0)));
            // Down until the broker gave a half message up (its checks come about every 3 s here, 15 of
            // them) and the watcher failed to settle it: the outage outlasts the whole check window.
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (c.inDoubtSettleFailures(c.order) == failedBefore && System.nanoTime() < deadline) {
                ServiceProcess.sleepQuietly(Duration.ofMillis(500));
            }
            c.arm(c.order, List.of());
            return 1;
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            try {
                return during > 0 && c.inDoubtSettleFailures(c.order) > 0
                    && c.db.count(c.db.order, "SELECT COUNT(*) FROM txmsg_in_doubt WHERE status = 'DELIVERED'") > 0;
            } catch (SQLException e) {
                throw new IllegalStateException("could not read the order service's in-doubt records", e);
            }
        }
    },
    F12("outbox mode: order service killed after the broker took a batch of its relay, before the batch's rows were deleted or marked published") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.KILL_AFTER_PUBLISHED, null, 1 + rnd.nextInt(orders / 2), 0)));
        }
    },
    F13("outbox mode: order service killed right after the local COMMIT that wrote its outbox rows, before the relay published them") {
        @Override
        void arm(Cluster c, Random rnd, int orders) {
            c.arm(c.order, List.of(new Armed(Fault.KILL_AFTER_COMMIT, "INSERT INTO txmsg_outbox", 1 + rnd.nextInt(orders / 2), 0)));
        }
    },
    F14("cluster: broker-a killed (SIGKILL) under load while broker-b runs on; orders placed while it is down must not be refused; "
        + "restarted on the same store, where its half messages are settled") {
        @Override
        int during(Cluster c, Random rnd) {
            BrokerProcess a = c.broker.first();
            a.kill();
            int placed = 0;
            int refused = 0;
            for (int i = 0; i < OUTAGE_ORDERS; i++) {
                placed++;
                if (!c.placeOnce.getAsBoolean()) {
                    refused++;
                }
            }
            if (refused > 0) {
                c.findings.add(refused + " of " + placed + " orders refused while " + a.name() + " was down and the other broker up");
            }
            a.start();
            return placed;
        }

        @Override
        boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
            return during > 0;
        }
    };

    /** F14: how many orders are placed, one at a time, while broker-a is down. */
    static final int OUTAGE_ORDERS = 8;

    final String description;

    FaultCase(String description) {
        this.description = description;
    }

    /** Whether the fault means something for services sending in {@code mode} (half-message or outbox). */
    boolean appliesTo(String mode) {
        return switch (this) {
            case F14 -> true; // with two or more broker groups only: see needsCluster
            case F1, F3, F4, F5, F11 -> mode.equals("half-message");
            case F12, F13 -> mode.equals("outbox");
            default -> true;
        };
    }

    /** Whether the fault needs two or more broker groups. */
    boolean needsCluster() {
        return this == F14;
    }

    /** Arms the agent before the iteration's orders (kill faults: at a random occurrence in the first half). */
    void arm(Cluster c, Random rnd, int orders) {
    }

    /** Done once, at a random moment while orders are placed; returns what it did (0 = nothing). */
    int during(Cluster c, Random rnd) {
        return 0;
    }

    /** The service whose deaths show a kill fault fired. */
    ServiceProcess target(Cluster c) {
        return c.order;
    }

    /** Whether the fault was really injected in the iteration. */
    boolean fired(Cluster c, int deaths, Map<String, Integer> injected, int during) {
        return deaths > 0;
    }
}
