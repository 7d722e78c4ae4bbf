package dev.txmsg.benchmark.report;

import java.time.Duration;
import java.util.Locale;

import dev.txmsg.benchmark.broker.BrokerSettings;

/** How the reports and the progress lines write numbers, durations and the broker's settings. */
public final class Format {

    private Format() {
    }

    /** Fixed decimals; {@code —} when not a number (Markdown). */
    public static String number(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "—" : fixed(value, decimals);
    }

    /** Fixed decimals; empty when not a number (CSV). */
    static String csv(double value, int decimals) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "" : fixed(value, decimals);
    }

    /** {@code 6 s}, {@code 0.5 s}. */
    public static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : fixed(d.toMillis() / 1000.0, 3).replaceAll("0+$", "") + " s";
    }

    /** The check settings first: the recovery time follows from them. */
    public static String brokerSettings(BrokerSettings s) {
        return "transaction timeout " + seconds(s.transactionTimeout()) + ", check interval " + seconds(s.checkInterval())
            + ", at most " + s.checkMax() + " checks, op batch interval " + seconds(s.opBatchInterval()) + ", "
            + s.flushDiskType() + ", RocketMQ " + s.version()
            + (s.masters() > 1 ? " (" + s.masters() + " masters; settings of the first)" : "");
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
