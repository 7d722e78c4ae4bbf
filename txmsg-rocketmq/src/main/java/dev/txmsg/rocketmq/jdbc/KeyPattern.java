package dev.txmsg.rocketmq.jdbc;

/**
 * The LIKE pattern that finds one key in a column of keys separated by spaces ({@code message_keys}),
 * compared as {@code CONCAT(' ', message_keys, ' ') LIKE ? ESCAPE '!'}: the key's own wildcards are
 * escaped, so {@code 10%} finds {@code 10%} and not {@code 100}.
 */
public final class KeyPattern {

    private KeyPattern() {
    }

    /** The pattern for {@code key}. */
    public static String of(String key) {
        return "% " + key.replace("!", "!!").replace("%", "!%").replace("_", "!_") + " %";
    }
}
