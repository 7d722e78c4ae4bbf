package dev.txmsg.rocketmq.autoconfigure;

import java.util.Map;

import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.check.InDoubtWatcher;

/**
 * txmsg's Actuator health, {@code /actuator/health/txmsg}: {@code broker} (the producer runs and
 * the name server answers with at least one broker), {@code log} (the transaction log can be read)
 * , {@code inDoubt} (exhausted half messages are being settled: DOWN while a settlement keeps failing)
 * and {@code outbox} where a relay runs (DOWN while the oldest waiting message is older than
 * {@code txmsg.outbox.max-age}).
 */
final class TxMsgHealthIndicators {

    private TxMsgHealthIndicators() {
    }

    static HealthContributor of(RocketMqTxMsg txmsg, TransactionLog log) {
        Map<String, HealthIndicator> parts = new java.util.LinkedHashMap<>();
        parts.put("broker", broker(txmsg));
        parts.put("log", log(log));
        txmsg.inDoubtWatcher().ifPresent(watcher -> parts.put("inDoubt", inDoubt(watcher)));
        txmsg.outboxRelay().ifPresent(relay -> parts.put("outbox", outbox(relay)));
        return CompositeHealthContributor.fromMap(parts);
    }

    /** DOWN while the oldest waiting outbox message is older than txmsg.outbox.max-age (the relay does not keep up, or cannot publish). */
    private static HealthIndicator outbox(dev.txmsg.rocketmq.outbox.OutboxRelay relay) {
        return () -> {
            dev.txmsg.rocketmq.outbox.OutboxStore.Backlog backlog = relay.backlog();
            java.time.Duration bound = relay.options().maxAge();
            Health.Builder health = backlog.oldestAge().compareTo(bound) <= 0 ? Health.up() : Health.down()
                .withDetail("error", "the oldest waiting outbox message is " + backlog.oldestAge().toSeconds()
                    + " s old, over txmsg.outbox.max-age (" + bound + "): the relay does not keep up or cannot publish");
            return health.withDetail("pending", backlog.pending()).withDetail("oldestAgeSeconds", backlog.oldestAge().toSeconds())
                .withDetail("failed", backlog.failed()).withDetail("partitions", relay.partitions().size()).build();
        };
    }

    /** DOWN while exhausted half messages cannot be settled (their settlement keeps failing, the database is down, say). */
    private static HealthIndicator inDoubt(InDoubtWatcher watcher) {
        return () -> {
            int failing = watcher.failing();
            Health.Builder health = failing == 0 ? Health.up() : Health.down()
                .withDetail("error", failing + " exhausted half message(s) could not be settled yet; retried until they are")
                .withDetail("failingSince", watcher.failingSince().map(Object::toString).orElse(""));
            return health.withDetail("failing", failing).withDetail("failedAttempts", watcher.failures()).build();
        };
    }

    private static HealthIndicator broker(RocketMqTxMsg txmsg) {
        return () -> {
            var producer = txmsg.producer().getDefaultMQProducerImpl();
            ServiceState state = producer.getServiceState();
            Health.Builder health = state == ServiceState.RUNNING ? Health.up() : Health.down();
            health.withDetail("producerGroup", txmsg.sender().producerGroup()).withDetail("producer", state.name())
                .withDetail("nameServer", txmsg.producer().getNamesrvAddr());
            if (state != ServiceState.RUNNING) {
                return health.build();
            }
            try {
                ClusterInfo cluster = producer.getMqClientFactory().getMQClientAPIImpl().getBrokerClusterInfo(3000);
                int brokers = cluster.getBrokerAddrTable() == null ? 0 : cluster.getBrokerAddrTable().size();
                return (brokers > 0 ? health : Health.down().withDetails(health.build().getDetails()))
                    .withDetail("brokers", brokers).build();
            } catch (Exception e) {
                return Health.down(e).withDetails(health.build().getDetails())
                    .withDetail("error", "the name server did not answer: " + e.getMessage()).build();
            }
        };
    }

    private static HealthIndicator log(TransactionLog log) {
        return () -> {
            try {
                log.find("txmsg-health-probe");
                return Health.up().withDetail("identity", log.identity()).build();
            } catch (Exception e) {
                return Health.down(e).withDetail("identity", log.identity()).build();
            }
        };
    }
}
