package dev.txmsg.benchmark.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the numbers were measured on and how, printed above them.
 *
 * @param lines label and text, in order
 * @param quick whether it was a {@code --short} run
 */
public record RunSetup(Map<String, String> lines, boolean quick) {

    /** Keeps the given order. */
    public RunSetup {
        lines = new LinkedHashMap<>(lines);
    }
}
