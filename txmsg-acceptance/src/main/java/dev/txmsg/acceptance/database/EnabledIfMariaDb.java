package dev.txmsg.acceptance.database;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where MariaDB answers; under {@code CI=true} always runs it, so that an
 * unreachable MariaDB fails the build instead of skipping silently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EnabledIfMariaDb.Condition.class)
public @interface EnabledIfMariaDb {

    /** The condition behind the annotation. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (MariaDb.required()) {
                return ConditionEvaluationResult.enabled("CI=true: the MariaDB leg is required");
            }
            if (MariaDb.reachable()) {
                return ConditionEvaluationResult.enabled("MariaDB is reachable");
            }
            return ConditionEvaluationResult.disabled(MariaDb.unreachableReason());
        }
    }
}
