package dev.txmsg.rocketmq.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Creates txmsg's tables from the shipped schema file, or checks that they exist. */
public final class SchemaInitializer {

    private final TableName table;
    private final Dialect dialect;

    public SchemaInitializer(TableName table, Dialect dialect) {
        this.table = table;
        this.dialect = dialect;
    }

    /** Creates the tables if {@code mode} says so, then checks that each of {@code required} exists. */
    public void initialize(Connection c, SchemaInitialization mode, String... required) throws SQLException {
        boolean create = mode == SchemaInitialization.ALWAYS
            || (mode == SchemaInitialization.EMBEDDED && dialect.isEmbedded());
        if (create) {
            for (String statement : statements()) {
                if (exists(c, statement)) {
                    continue;
                }
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
                    if (!c.getAutoCommit()) {
                        c.commit(); // one at a time: a rollback below must not undo the tables created before
                    }
                } catch (SQLException e) {
                    if (!createdMeanwhile(e)) {
                        throw e;
                    }
                    if (!c.getAutoCommit()) {
                        c.rollback(); // PostgreSQL ends the transaction at an error; the rest goes on in a new one
                    }
                }
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        for (String name : required) {
            requireTable(c, name);
        }
    }

    private static final java.util.regex.Pattern CREATE_INDEX =
        java.util.regex.Pattern.compile("(?is)CREATE\\s+INDEX\\s+IF\\s+NOT\\s+EXISTS\\s+(\\w+)\\s+ON\\b.*");

    /**
     * Whether {@code statement} creates an index that exists. PostgreSQL's {@code CREATE INDEX IF
     * NOT EXISTS} locks the table before it looks, and so waits for every open transaction that
     * wrote to it: an instance starting while others run would wait for their transactions.
     */
    private boolean exists(Connection c, String statement) throws SQLException {
        java.util.regex.Matcher m = CREATE_INDEX.matcher(statement);
        if (dialect != Dialect.POSTGRESQL || !m.matches()) {
            return false;
        }
        try (java.sql.PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, m.group(1));
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * PostgreSQL's {@code CREATE ... IF NOT EXISTS} is not safe against another session creating the
     * same table at the same moment (two instances starting together): it fails with a duplicate
     * key (on the catalog) or "already exists", and the table is there.
     */
    private boolean createdMeanwhile(SQLException e) {
        return dialect == Dialect.POSTGRESQL && ("23505".equals(e.getSQLState()) || "42P07".equals(e.getSQLState())
            || "42710".equals(e.getSQLState()));
    }

    private void requireTable(Connection c, String name) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM " + name + " WHERE 1 = 0").close();
        } catch (SQLException e) {
            throw new IllegalStateException("txmsg's table " + name + " is missing or unreadable (" + e.getMessage()
                + "). Create it with classpath:" + dialect.schemaResource()
                + (table.value().equals(TableName.DEFAULT) || !name.startsWith(table.value()) ? ""
                    : " (replacing txmsg_tx_log with " + table + ")")
                + ", or set txmsg.initialize-schema=always to let txmsg create it.", e);
        }
    }

    /** The schema file's statements, with the configured table name. */
    List<String> statements() {
        String sql;
        try (InputStream in = SchemaInitializer.class.getClassLoader().getResourceAsStream(dialect.schemaResource())) {
            sql = new String(Objects.requireNonNull(in, dialect.schemaResource()).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dialect.schemaResource(), e);
        }
        String withoutComments = sql.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, l) -> a + l + "\n");
        return Arrays.stream(withoutComments.split(";"))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .map(s -> s.replace(TableName.DEFAULT, table.value()))
            .toList();
    }
}
