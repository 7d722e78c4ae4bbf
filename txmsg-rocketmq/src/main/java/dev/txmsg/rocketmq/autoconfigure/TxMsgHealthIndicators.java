package dev.txmsg.rocketmq.autoconfigure;

import java.util.Map;

import org.apache.rocketmq.common.ServiceState;
import org.apache.rocketmq.remoting.protocol.body.ClusterInfo;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;

import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;

/**
 * txmsg's Actuator health, {@code /actuator/health/txmsg}: {@code broker} (the producer runs and
 * the name server answers with at least one broker) and {@code log} (the transaction log can be read).
 */
final class TxMsgHealthIndicators {

    private TxMsgHealthIndicators() {
    }

    static HealthContributor of(RocketMqTransactionalSender sender, TransactionLog log) {
        return CompositeHealthContributor.fromMap(Map.of("broker", broker(sender), "log", log(log)));
    }

    private static HealthIndicator broker(RocketMqTransactionalSender sender) {
        return () -> {
            var producer = sender.producer().getDefaultMQProducerImpl();
            ServiceState state = producer.getServiceState();
            Health.Builder health = state == ServiceState.RUNNING ? Health.up() : Health.down();
            health.withDetail("producerGroup", sender.producerGroup()).withDetail("producer", state.name())
                .withDetail("nameServer", sender.producer().getNamesrvAddr());
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
