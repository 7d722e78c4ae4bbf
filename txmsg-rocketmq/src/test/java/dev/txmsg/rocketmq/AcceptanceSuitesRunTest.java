package dev.txmsg.rocketmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Guards the guarantee suites themselves (issue #10, finding 0): two suites once kept their
 * database subclasses as nested classes, which Surefire skips (its {@code **}{@code /*$*}
 * exclusion), so they ran zero tests and no report showed it. Every abstract
 * {@code *AcceptanceTest} must have tests and a concrete, top-level subclass per database leg
 * that Surefire's default includes pick up, none of them disabled.
 */
class AcceptanceSuitesRunTest {

    /** Surefire's default includes: Test*, *Test, *Tests, *TestCase. */
    private static final Pattern SUREFIRE_INCLUDES = Pattern.compile("(Test.*|.*Test|.*Tests|.*TestCase)");
    private static final List<String> LEGS = List.of("H2", "MariaDb");
    /** The guarantee suites, which run on PostgreSQL too (the configuration suites run on H2 and MariaDB). */
    private static final List<String> POSTGRESQL_SUITES = List.of("TransactionalSendAcceptanceTest", "CheckBackAcceptanceTest",
        "SurroundingTransactionAcceptanceTest", "ConsumerAcceptanceTest", "TransactionLogContractTest", "InDoubtSettlementAcceptanceTest",
        "SeveralMessagesAcceptanceTest", "OutboxAcceptanceTest", "LogRetentionAcceptanceTest");

    /** This module's tests, and the published suites of txmsg-acceptance (main classes of their jar). */
    private final List<JavaClass> classes = java.util.stream.Stream.concat(
        new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS).importPackages("dev.txmsg").stream(),
        new ClassFileImporter().importPackages("dev.txmsg.acceptance").stream()).distinct().toList();

    @Test
    void everyAcceptanceSuiteRunsOnEveryDatabaseLeg() {
        List<String> problems = new ArrayList<>();
        List<JavaClass> suites = classes.stream()
            .filter(c -> (c.getSimpleName().endsWith("AcceptanceTest") || c.getSimpleName().endsWith("ContractTest"))
                && c.getModifiers().contains(com.tngtech.archunit.core.domain.JavaModifier.ABSTRACT))
            .toList();
        assertThat(suites).as("acceptance suites found").extracting(JavaClass::getSimpleName)
            .contains("TransactionalSendAcceptanceTest", "CheckBackAcceptanceTest", "SurroundingTransactionAcceptanceTest",
                "ConsumerAcceptanceTest", "TransactionLogContractTest", "InDoubtSettlementAcceptanceTest",
                "SeveralMessagesAcceptanceTest", "OutboxAcceptanceTest");
        for (JavaClass suite : suites) {
            Class<?> type = suite.reflect();
            if (!hasTests(type)) {
                problems.add(suite.getSimpleName() + " declares no @Test method");
            }
            List<Class<?>> legs = classes.stream().map(JavaClass::reflect)
                .filter(c -> c != type && type.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers()))
                .toList();
            for (Class<?> leg : legs) {
                if (leg.getEnclosingClass() != null) {
                    problems.add(leg.getName() + " is a nested class: Surefire skips it; make it a top-level class");
                } else if (!SUREFIRE_INCLUDES.matcher(leg.getSimpleName()).matches()) {
                    problems.add(leg.getName() + " does not match Surefire's includes (*Test)");
                }
                if (leg.isAnnotationPresent(Disabled.class)) {
                    problems.add(leg.getName() + " is @Disabled");
                }
            }
            List<String> dbs = new ArrayList<>(LEGS);
            if (POSTGRESQL_SUITES.contains(suite.getSimpleName())) {
                dbs.add("PostgreSql");
            }
            for (String db : dbs) {
                if (legs.stream().noneMatch(c -> c.getSimpleName().startsWith(db) && c.getEnclosingClass() == null)) {
                    problems.add(suite.getSimpleName() + " has no top-level " + db + " leg");
                }
            }
        }
        assertThat(problems).as("acceptance suites that would run zero tests on a leg").isEmpty();
    }

    private static boolean hasTests(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (var m : c.getDeclaredMethods()) {
                if (m.isAnnotationPresent(Test.class)) {
                    return true;
                }
            }
        }
        return false;
    }
}
