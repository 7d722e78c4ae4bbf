package dev.txmsg.rocketmq.jdbc;

import java.util.regex.Pattern;

/**
 * A validated name for txmsg's transaction-log table: a plain SQL identifier (letters, digits and
 * underscores, not starting with a digit, at most 48 characters, so that the derived
 * {@code <name>_identity} table fits every database's limit). Only validated names reach SQL.
 */
public final class TableName {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");

    /** The default, {@code txmsg_tx_log}. */
    public static final String DEFAULT = "txmsg_tx_log";

    private final String name;

    private TableName(String name) {
        this.name = name;
    }

    /**
     * Validates {@code name}.
     *
     * @throws IllegalArgumentException naming the value and the rule if it is not a plain identifier
     */
    public static TableName of(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid transaction-log table name '" + name + "': use 1 to 48 "
                + "letters, digits or underscores, not starting with a digit (no schema prefix, no quotes)");
        }
        return new TableName(name);
    }

    /** The log table's name. */
    public String value() {
        return name;
    }

    /** The name of the table that holds the log's identity, {@code <name>_identity}. */
    public String identityTable() {
        return name + "_identity";
    }

    @Override
    public String toString() {
        return name;
    }
}
