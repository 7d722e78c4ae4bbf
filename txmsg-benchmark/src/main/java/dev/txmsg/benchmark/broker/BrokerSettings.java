package dev.txmsg.benchmark.broker;

import java.time.Duration;
import java.util.Properties;

/**
 * The broker's settings that shape transactional messages, as the broker itself reports them.
 *
 * @param version            the broker's RocketMQ version
 * @param masters            how many master brokers the name server knows
 * @param transactionTimeout age of a half message before its first check-back ({@code transactionTimeOut})
 * @param checkInterval      time between check-back rounds ({@code transactionCheckInterval})
 * @param checkMax           check-backs before the broker gives up ({@code transactionCheckMax})
 * @param opBatchInterval    how often op records are written ({@code transactionOpBatchInterval})
 * @param flushDiskType      {@code ASYNC_FLUSH} or {@code SYNC_FLUSH}
 */
public record BrokerSettings(String version, int masters, Duration transactionTimeout, Duration checkInterval,
                             int checkMax, Duration opBatchInterval, String flushDiskType) {

    static BrokerSettings from(String version, int masters, Properties config) {
        return new BrokerSettings(version, masters,
            Duration.ofMillis(number(config, "transactionTimeOut")),
            Duration.ofMillis(number(config, "transactionCheckInterval")),
            (int) number(config, "transactionCheckMax"),
            Duration.ofMillis(number(config, "transactionOpBatchInterval")),
            config.getProperty("flushDiskType", "?"));
    }

    private static long number(Properties config, String name) {
        String value = config.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("the broker did not report " + name + " in its configuration");
        }
        return Long.parseLong(value.trim());
    }
}
