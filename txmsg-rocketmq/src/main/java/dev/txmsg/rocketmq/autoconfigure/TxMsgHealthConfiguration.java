package dev.txmsg.rocketmq.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.rocketmq.RocketMqTxMsg;

/** Registers txmsg's health contributor when Actuator is present ({@code management.health.txmsg.enabled}). */
@AutoConfiguration(after = TxMsgAutoConfiguration.class)
@ConditionalOnClass(HealthContributor.class)
@ConditionalOnBean(RocketMqTxMsg.class)
@ConditionalOnEnabledHealthIndicator("txmsg")
public class TxMsgHealthConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "txmsgHealthContributor")
    HealthContributor txmsgHealthContributor(RocketMqTxMsg txmsg, TransactionLog log) {
        return TxMsgHealthIndicators.of(txmsg, log);
    }
}
