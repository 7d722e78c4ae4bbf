package dev.txmsg.demo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs only where MariaDB answers; under {@code CI=true} always (an unreachable MariaDB then fails). */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EnabledIfMariaDbForE2E.Condition.class)
@interface EnabledIfMariaDbForE2E {

    /** The condition. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if ("true".equalsIgnoreCase(System.getenv("CI")) || MariaDb.reachable()) {
                return ConditionEvaluationResult.enabled("MariaDB required (CI) or reachable");
            }
            return ConditionEvaluationResult.disabled(MariaDb.skipReason("the end-to-end tests are"));
        }
    }
}
