package dev.txmsg.api.ops;

import java.time.Instant;

/**
 * Which records to list or act on; every criterion is optional.
 *
 * @param group the consumer group (dead letters) or producer group (in-doubt transactions)
 * @param topic the topic
 * @param from  recorded at or after
 * @param to    recorded before
 * @param limit the most records (default 100, at most 1,000)
 */
public record Query(String group, String topic, Instant from, Instant to, int limit) {

    /** The default limit. */
    public static final int DEFAULT_LIMIT = 100;

    /** The largest limit: list or act on more in several queries (narrow the time range). */
    public static final int MAX_LIMIT = 1000;

    /**
     * Applies the default limit and checks the limit and the range.
     *
     * @throws IllegalArgumentException if the limit is above {@link #MAX_LIMIT} or {@code from} is after {@code to}
     */
    public Query {
        if (limit <= 0) {
            limit = DEFAULT_LIMIT;
        }
        if (limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit " + limit + " is above the maximum of " + MAX_LIMIT
                + ": list or act on more in several queries, with narrower time ranges (from, to)");
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
        }
    }

    /** Everything, up to the default limit. */
    public static Query all() {
        return new Query(null, null, null, null, DEFAULT_LIMIT);
    }
}
