package dev.txmsg.acceptance.database;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where its database server answers; under {@code CI=true} always runs it,
 * so that an unreachable server fails the build instead of skipping silently.
 */
abstract class ServerCondition implements ExecutionCondition {

    private final DatabaseServer server;

    ServerCondition(DatabaseServer server) {
        this.server = server;
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DatabaseServer.required()) {
            return ConditionEvaluationResult.enabled("CI=true: the " + server.displayName() + " leg is required");
        }
        if (server.reachable()) {
            return ConditionEvaluationResult.enabled(server.displayName() + " is reachable");
        }
        return ConditionEvaluationResult.disabled(server.unreachableReason());
    }
}
