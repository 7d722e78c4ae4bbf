package dev.txmsg.faults.suite;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The short version of the fault-injection suite (issue #7): one iteration of every fault. Each
 * fault must really fire (a fault that never fires proves nothing) and no inconsistency may be found.
 */
@ExtendWith(FaultSuiteShortIT.NeedsMariaDb.class)
class FaultSuiteShortIT {

    @Test
    void everyFaultFiresAndLeavesBothDatabasesConsistentWithTwoMessagesPerOrder() throws Exception {
        Path out = Path.of("target", "faults");
        List<FaultCase> faults = Arrays.stream(FaultCase.values()).filter(f -> f.appliesTo("half-message") && !f.needsCluster()).toList();
        List<FaultSuite.Row> rows = FaultSuite.run(new FaultSuite.Settings(1, 12, faults,
            System.nanoTime(), out, null, true, "half-message", Databases.Server.MARIADB));

        assertThat(rows).extracting(FaultSuite.Row::fault).containsExactlyElementsOf(faults);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.inconsistencies()).as(row.fault() + " inconsistencies").isEmpty();
            assertThat(row.fired()).as(row.fault() + " fired").isEqualTo(row.iterations());
        });
        assertThat(Files.readString(out.resolve("report.md"))).contains("Inconsistencies in all: 0.");
    }

    /** F14 on a cluster of two broker groups: orders go on while broker-a is down, and its half messages are settled when it is back. */
    @Test
    void inAClusterOfTwoBrokerGroupsOrdersGoOnWhileBrokerAIsKilledAndItsHalfMessagesAreSettledWhenItIsBack() throws Exception {
        Path out = Path.of("target", "faults-cluster");
        List<FaultSuite.Row> rows = FaultSuite.run(new FaultSuite.Settings(1, 12, List.of(FaultCase.F14), System.nanoTime(), out, null,
            false, "half-message", Databases.Server.MARIADB, 2));

        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.inconsistencies()).as("inconsistencies, refused orders included").isEmpty();
            assertThat(row.fired()).isEqualTo(1);
        });
        assertThat(Files.readString(out.resolve("report.md"))).contains("Inconsistencies in all: 0.").contains("cluster of 2 broker groups");
    }

    @Test
    void inOutboxModeAKilledRelayAndACommitThatDiedBeforePublicationLoseAndDuplicateNothing() throws Exception {
        Path out = Path.of("target", "faults-outbox");
        List<FaultCase> faults = List.of(FaultCase.F12, FaultCase.F13, FaultCase.F9);
        List<FaultSuite.Row> rows = FaultSuite.run(new FaultSuite.Settings(1, 12, faults, System.nanoTime(), out, null, true, "outbox", Databases.Server.MARIADB));

        assertThat(rows).extracting(FaultSuite.Row::fault).containsExactlyElementsOf(faults);
        assertThat(rows).allSatisfy(row -> {
            assertThat(row.inconsistencies()).as(row.fault() + " inconsistencies").isEmpty();
            assertThat(row.fired()).as(row.fault() + " fired").isEqualTo(row.iterations());
        });
        assertThat(Files.readString(out.resolve("report.md"))).contains("Inconsistencies in all: 0.").contains("outbox mode");
    }

    @Test
    void theClusterFaultNeedsTwoBrokers() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultSuite.Settings.parse(new String[] {"--faults", "F14"}))
            .hasMessageContaining("F14 needs two or more broker groups: add --brokers 2");
        org.assertj.core.api.Assertions.assertThat(FaultSuite.Settings.parse(new String[] {"--brokers", "2"}).faults())
            .contains(FaultCase.F14, FaultCase.F6);
        org.assertj.core.api.Assertions.assertThat(FaultSuite.Settings.parse(new String[0]).faults()).doesNotContain(FaultCase.F14);
    }

    @Test
    void aFaultOfTheOtherModeIsRefusedNamingIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultSuite.Settings.parse(new String[] {"--mode", "outbox", "--faults", "F4"}))
            .hasMessageContaining("F4 does not apply in outbox mode");
    }

    @Test
    void theDatabaseIsMariaDbOrPostgreSql() {
        org.assertj.core.api.Assertions.assertThat(FaultSuite.Settings.parse(new String[] {"--db", "postgresql"}).db())
            .isEqualTo(Databases.Server.POSTGRESQL);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FaultSuite.Settings.parse(new String[] {"--db", "oracle"}))
            .hasMessageContaining("--db must be mariadb or postgresql, was oracle");
    }

    /** Skips without MariaDB, except under CI=true, where an unreachable MariaDB fails the test. */
    static final class NeedsMariaDb implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if ("true".equalsIgnoreCase(System.getenv("CI")) || Databases.Server.MARIADB.reachable()) {
                return ConditionEvaluationResult.enabled("MariaDB required (CI) or reachable");
            }
            return ConditionEvaluationResult.disabled(dev.txmsg.demo.MariaDb.skipReason("the fault suite is"));
        }
    }
}
