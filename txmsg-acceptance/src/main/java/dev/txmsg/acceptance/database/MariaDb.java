package dev.txmsg.acceptance.database;

/**
 * Where the MariaDB leg of the tests finds its server: {@code TXMSG_MARIADB_HOST} (default
 * 127.0.0.1:3306), {@code TXMSG_MARIADB_USER} (root), {@code TXMSG_MARIADB_PASSWORD} (empty).
 * Without a reachable server the leg is skipped, except under {@code CI=true}, where it is required.
 */
public final class MariaDb {

    private MariaDb() {
    }

    /** Whether the CI run demands every leg. */
    public static boolean required() {
        return DatabaseServer.required();
    }

    /** Whether a MariaDB (or MySQL) server answers; checked once. */
    public static boolean reachable() {
        return DatabaseServer.MARIADB.reachable();
    }

    /** Why it is unreachable, and how to enable it. */
    public static String unreachableReason() {
        return DatabaseServer.MARIADB.unreachableReason();
    }
}
