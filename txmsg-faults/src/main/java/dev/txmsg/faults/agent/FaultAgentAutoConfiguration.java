package dev.txmsg.faults.agent;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.autoconfigure.TxMsgAutoConfiguration;

/**
 * The fault agent, loaded into a sample service from its own jar ({@code -Dloader.path=...} with
 * Spring Boot's PropertiesLauncher) and only with {@code txmsg.faults.enabled=true}: the services'
 * code and txmsg's are untouched. It wraps the DataSource, hooks txmsg's producer, and exposes
 * {@code /txmsg-faults} to arm one fault at a time; unarmed it costs a volatile read per statement.
 */
@AutoConfiguration(after = TxMsgAutoConfiguration.class)
@ConditionalOnProperty(prefix = "txmsg.faults", name = "enabled")
@Import(FaultController.class)
public class FaultAgentAutoConfiguration {

    @Bean
    static Faults txmsgFaults() {
        return new Faults();
    }

    @Bean
    static BeanPostProcessor txmsgFaultyDataSource(ObjectProvider<Faults> faults) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof DataSource ds && !(bean instanceof FaultyDataSource) ? new FaultyDataSource(ds, faults.getObject()) : bean;
            }
        };
    }

    @Bean
    NestedRollbacks txmsgFaultNestedRollbacks(dev.txmsg.api.TransactionalSender sender, javax.sql.DataSource dataSource,
                                              org.springframework.transaction.PlatformTransactionManager transactionManager) {
        return new NestedRollbacks(sender, new org.springframework.jdbc.core.JdbcTemplate(dataSource), transactionManager);
    }

    @Bean
    SmartInitializingSingleton txmsgFaultHooks(ObjectProvider<RocketMqTxMsg> txmsg, Faults faults) {
        return () -> txmsg.ifAvailable(t -> FaultHooks.install(t.producer(), faults));
    }
}
