package dev.txmsg.acceptance.database;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class only where PostgreSQL answers; under {@code CI=true} always runs it, so that an
 * unreachable PostgreSQL fails the build instead of skipping silently.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EnabledIfPostgreSql.Condition.class)
public @interface EnabledIfPostgreSql {

    /** The condition behind the annotation. */
    final class Condition extends ServerCondition {
        /** The condition, on the server the tests use. */
        public Condition() {
            super(DatabaseServer.POSTGRESQL);
        }
    }
}
