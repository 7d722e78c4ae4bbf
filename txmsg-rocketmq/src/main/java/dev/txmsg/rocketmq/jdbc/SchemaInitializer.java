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
                try (Statement s = c.createStatement()) {
                    s.execute(statement);
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
