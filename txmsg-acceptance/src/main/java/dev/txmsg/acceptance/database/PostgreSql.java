package dev.txmsg.acceptance.database;

/**
 * Where the PostgreSQL leg of the tests finds its server: {@code TXMSG_POSTGRES_HOST} (default
 * 127.0.0.1:5432), {@code TXMSG_POSTGRES_USER} (txmsg), {@code TXMSG_POSTGRES_PASSWORD} (txmsg), over
 * TCP with a password (the role {@code .ci/run} creates: {@code CREATE ROLE txmsg LOGIN CREATEDB
 * PASSWORD 'txmsg'}). Without a reachable server the leg is skipped, except under {@code CI=true},
 * where it is required.
 */
public final class PostgreSql {

    private PostgreSql() {
    }

    /** Whether the CI run demands every leg. */
    public static boolean required() {
        return DatabaseServer.required();
    }

    /** Whether a PostgreSQL server answers as the test user; checked once. */
    public static boolean reachable() {
        return DatabaseServer.POSTGRESQL.reachable();
    }

    /** Why it is unreachable, and how to enable it. */
    public static String unreachableReason() {
        return DatabaseServer.POSTGRESQL.unreachableReason();
    }

    /** The JDBC URL of {@code database} on the test server. */
    public static String url(String database) {
        return DatabaseServer.POSTGRESQL.url(database);
    }

    /** The test user. */
    public static String user() {
        return DatabaseServer.POSTGRESQL.user();
    }

    /** The test user's password. */
    public static String password() {
        return DatabaseServer.POSTGRESQL.password();
    }
}
