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
 * Runs a test class only where PostgreSQL answers; under {@code CI=true} always runs it, so that an
 * unreachable PostgreSQL fails the build instead of skipping silently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EnabledIfPostgreSql.Condition.class)
public @interface EnabledIfPostgreSql {

    /** The condition behind the annotation. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            if (PostgreSql.required()) {
                return ConditionEvaluationResult.enabled("CI=true: the PostgreSQL leg is required");
            }
            if (PostgreSql.reachable()) {
                return ConditionEvaluationResult.enabled("PostgreSQL is reachable");
            }
            return ConditionEvaluationResult.disabled(PostgreSql.unreachableReason());
        }
    }
}
