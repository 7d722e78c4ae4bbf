package dev.txmsg.rocketmq.log;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Where the transaction log's retention begins to matter: a message born before the horizon may
 * have lost its log row to the purge, so a missing row proves nothing about it and it must never
 * be fenced.
 *
 * <p>Two clocks meet here: the purge ages rows by the database's clock, while a message's birth is
 * stamped by the sending JVM's clock and judged by the checking JVM's. The horizon is therefore
 * drawn a margin ({@code clockSkew}) earlier than the retention: as long as any two of these
 * clocks agree within that margin, no row the purge may have deleted is judged young enough to
 * fence.
 */
public final class RetentionHorizon {

    /** The default margin for clock differences between JVMs and the database: five minutes. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final RetentionHorizon NONE = new RetentionHorizon(null, Duration.ZERO, Clock.systemUTC());

    private final Duration retention;
    private final Duration clockSkew;
    private final Clock clock;

    private RetentionHorizon(Duration retention, Duration clockSkew, Clock clock) {
        this.retention = retention;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** Rows are kept forever: no message is ever beyond the horizon. */
    public static RetentionHorizon none() {
        return NONE;
    }

    /**
     * Rows are purged after {@code retention} by the database's clock.
     *
     * @param retention the log's retention
     * @param clockSkew the most any two clocks may differ: the group's JVMs' (a message's birth is
     *                  stamped by the sender's, judged by the checker's) and the database's
     * @param clock     this JVM's clock
     * @throws IllegalArgumentException if the margin is negative or not below the retention
     */
    public static RetentionHorizon of(Duration retention, Duration clockSkew, Clock clock) {
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative() || clockSkew.compareTo(retention) >= 0) {
            throw new IllegalArgumentException("the clock-skew margin (" + clockSkew + ") must be at least zero and below the "
                + "retention (" + retention + ")");
        }
        return new RetentionHorizon(retention, clockSkew, Objects.requireNonNull(clock, "clock"));
    }

    /** Whether a message born at {@code bornAt} may have lost its log row to the purge. */
    public boolean isBeyond(Instant bornAt) {
        return retention != null && bornAt.isBefore(clock.instant().minus(retention).plus(clockSkew));
    }

    /** The retention, or {@code null} if rows are kept forever. */
    public Duration retention() {
        return retention;
    }

    @Override
    public String toString() {
        return retention == null ? "kept forever" : retention + " (less " + clockSkew + " for clock skew)";
    }
}
