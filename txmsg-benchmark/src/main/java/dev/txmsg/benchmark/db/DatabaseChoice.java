package dev.txmsg.benchmark.db;

import java.nio.file.Path;

/**
 * The database of a run: MySQL/MariaDB (the default), PostgreSQL, or an embedded H2.
 *
 * @param url      the JDBC URL as connected to
 * @param user     the user
 * @param password the password
 * @param kind     which database it is
 */
public record DatabaseChoice(String url, String user, String password, Kind kind) {

    /** Where MySQL/MariaDB is looked for when {@code --db} is not given. */
    public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/txmsg_bench";

    /** The databases a run can use. */
    public enum Kind {
        /** MySQL or MariaDB, a server. */
        MYSQL,
        /** PostgreSQL, a server. */
        POSTGRESQL,
        /** H2, embedded, in a file of the output directory. */
        H2
    }

    /**
     * Reads {@code --db}: absent (the default MySQL/MariaDB), {@code h2}, a {@code jdbc:mysql:} or a
     * {@code jdbc:postgresql:} URL.
     *
     * @param value the option's value, or {@code null}
     * @param user  {@code --db-user}, or {@code null} for the database's usual administrator (root
     *              on MySQL/MariaDB, postgres on PostgreSQL)
     * @param out   the output directory, where an H2 database lives
     */
    public static DatabaseChoice of(String value, String user, String password, Path out) {
        if (value == null) {
            return mysql(DEFAULT_URL, user == null ? "root" : user, password);
        }
        if (value.equalsIgnoreCase("h2")) {
            // WRITE_DELAY=0: each commit reaches the file, as a server database's would.
            String file = out.toAbsolutePath().resolve("h2").resolve("txmsg_bench").toString();
            return new DatabaseChoice("jdbc:h2:file:" + file + ";WRITE_DELAY=0", "sa", "", Kind.H2);
        }
        if (value.startsWith("jdbc:mysql:")) {
            return mysql(value, user == null ? "root" : user, password);
        }
        if (value.startsWith("jdbc:postgresql:")) {
            if (!value.matches("jdbc:postgresql://[^/?]+/[a-z_][a-z0-9_]*([?].*)?")) {
                throw new IllegalArgumentException("--db: '" + value + "' names no database (in lower case: letters, digits and _); "
                    + "write jdbc:postgresql://host:port/database");
            }
            return new DatabaseChoice(withDefaults(value, "connectTimeout=5"), user == null ? "postgres" : user, password, Kind.POSTGRESQL);
        }
        throw new IllegalArgumentException("--db: '" + value + "' is neither h2 nor a MySQL/MariaDB URL (jdbc:mysql://host:port/database) "
            + "nor a PostgreSQL URL (jdbc:postgresql://host:port/database)");
    }

    /** Whether it is the embedded H2. */
    public boolean h2() {
        return kind == Kind.H2;
    }

    private static DatabaseChoice mysql(String url, String user, String password) {
        return new DatabaseChoice(withDefaults(url, "createDatabaseIfNotExist=true", "useSSL=false", "allowPublicKeyRetrieval=true",
            "connectTimeout=5000"), user, password, Kind.MYSQL);
    }

    /** The given parameters, each only where the URL does not set it. */
    private static String withDefaults(String url, String... parameters) {
        String withParameters = url;
        for (String parameter : parameters) {
            String name = parameter.substring(0, parameter.indexOf('=') + 1);
            if (!withParameters.contains(name)) {
                withParameters += (withParameters.contains("?") ? "&" : "?") + parameter;
            }
        }
        return withParameters;
    }

    /** The URL without its parameters, for printing. */
    public String displayUrl() {
        int cut = h2() ? url.indexOf(';') : url.indexOf('?');
        return cut < 0 ? url : url.substring(0, cut);
    }

    /** The database's name in a server URL. */
    String databaseName() {
        String path = displayUrl().substring(displayUrl().indexOf("//") + 2);
        return path.substring(path.indexOf('/') + 1);
    }

    /** The URL of the server's administrative database (PostgreSQL: postgres), with the same parameters. */
    String adminUrl() {
        return url.replaceFirst("/" + databaseName() + "(?=[?]|$)", "/postgres");
    }
}
