package dev.txmsg.acceptance.database;

/**
 * Where the MariaDB leg of the tests finds its server: {@code TXMSG_MARIADB_HOST} (default
 * 127.0.0.1:3306), {@code TXMSG_MARIADB_USER} (root), {@code TXMSG_MARIADB_PASSWORD} (empty).
 * Without a reachable server the leg is skipped, except under {@code CI=true}, where it is required.
 */
public final class MariaDb {

    private MariaDb() {
    }

    static String user() {
        return DatabaseServer.MARIADB.user();
    }

    static String password() {
        return DatabaseServer.MARIADB.password();
    }

    static String url(String database) {
        return DatabaseServer.MARIADB.url(database);
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

    static void createDatabase(String name) {
        DatabaseServer.MARIADB.createDatabase(name);
    }

    static void dropDatabase(String name) {
        DatabaseServer.MARIADB.dropDatabase(name);
    }
}
