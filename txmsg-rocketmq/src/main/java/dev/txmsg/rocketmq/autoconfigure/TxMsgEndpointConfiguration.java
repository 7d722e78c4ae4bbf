package dev.txmsg.rocketmq.autoconfigure;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.txmsg.api.ops.Operations;

/**
 * Registers the {@code txmsg} endpoint when Actuator is present and the endpoint is enabled and
 * exposed, and the operator console ({@code txmsgconsole}) beside it when that is enabled and exposed too.
 */
@AutoConfiguration(after = TxMsgConsumerAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(Operations.class)
@ConditionalOnAvailableEndpoint(endpoint = TxMsgEndpoint.class)
public class TxMsgEndpointConfiguration {

    @Bean
    @ConditionalOnMissingBean
    TxMsgEndpoint txMsgEndpoint(Operations operations) {
        return new TxMsgEndpoint(operations);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(endpoint = TxMsgConsoleEndpoint.class)
    TxMsgConsoleEndpoint txMsgConsoleEndpoint() {
        return new TxMsgConsoleEndpoint();
    }
}
