package dev.txmsg.benchmark.db;

import java.nio.file.Path;

/**
 * The database of a run: MySQL/MariaDB (the default) or an embedded H2.
 *
 * @param url      the JDBC URL as connected to
 * @param user     the user
 * @param password the password
 * @param h2       whether it is the embedded H2
 */
public record DatabaseChoice(String url, String user, String password, boolean h2) {

    /** Where MySQL/MariaDB is looked for when {@code --db} is not given. */
    public static final String DEFAULT_URL = "jdbc:mysql://127.0.0.1:3306/txmsg_bench";

    /**
     * Reads {@code --db}: absent (the default MySQL/MariaDB), {@code h2}, or a {@code jdbc:mysql:} URL.
     *
     * @param value the option's value, or {@code null}
     * @param out   the output directory, where an H2 database lives
     */
    public static DatabaseChoice of(String value, String user, String password, Path out) {
        if (value == null) {
            return mysql(DEFAULT_URL, user, password);
        }
        if (value.equalsIgnoreCase("h2")) {
            // WRITE_DELAY=0: each commit reaches the file, as a server database's would.
            String file = out.toAbsolutePath().resolve("h2").resolve("txmsg_bench").toString();
            return new DatabaseChoice("jdbc:h2:file:" + file + ";WRITE_DELAY=0", "sa", "", true);
        }
        if (value.startsWith("jdbc:mysql:")) {
            return mysql(value, user, password);
        }
        throw new IllegalArgumentException("--db: '" + value + "' is neither h2 nor a MySQL/MariaDB URL (jdbc:mysql://host:port/database)");
    }

    /** The default URL's parameters, each only where the given URL does not set it. */
    private static DatabaseChoice mysql(String url, String user, String password) {
        String withParameters = url;
        for (String parameter : new String[] {"createDatabaseIfNotExist=true", "useSSL=false",
            "allowPublicKeyRetrieval=true", "connectTimeout=5000"}) {
            String name = parameter.substring(0, parameter.indexOf('=') + 1);
            if (!withParameters.contains(name)) {
                withParameters += (withParameters.contains("?") ? "&" : "?") + parameter;
            }
        }
        return new DatabaseChoice(withParameters, user, password, false);
    }

    /** The URL without its parameters, for printing. */
    public String displayUrl() {
        int cut = h2 ? url.indexOf(';') : url.indexOf('?');
        return cut < 0 ? url : url.substring(0, cut);
    }
}
