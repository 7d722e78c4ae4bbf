package dev.txmsg.benchmark.scenario;

import java.util.Map;

import javax.sql.DataSource;

import org.apache.rocketmq.spring.autoconfigure.RocketMQAutoConfiguration;
import org.apache.rocketmq.spring.core.RocketMQTemplate;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code rocketmq-spring}: rocketmq-spring-boot-starter's {@code RocketMQTemplate.sendMessageInTransaction}
 * with a {@code @RocketMQTransactionListener} ({@link SpringOrderListener}), in a small non-web
 * Spring Boot context of its own with only {@code RocketMQAutoConfiguration} (not txmsg's starter).
 */
final class RocketMqSpringScenario implements Scenario {

    static final String NAME = "rocketmq-spring";

    private final ConfigurableApplicationContext context;
    private final RocketMQTemplate template;

    RocketMqSpringScenario(String nameServer, DataSource dataSource) {
        this.context = new SpringApplicationBuilder(Application.class)
            .web(WebApplicationType.NONE)
            .bannerMode(Banner.Mode.OFF)
            .logStartupInfo(false)
            .registerShutdownHook(false)
            .properties(Map.of("rocketmq.name-server", nameServer, "rocketmq.producer.group", "bench-rocketmq-spring"))
            .initializers(c -> c.getBeanFactory().registerSingleton("dataSource", dataSource))
            .run();
        this.template = context.getBean(RocketMQTemplate.class);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) {
        Producers.requireCommitted(template.sendMessageInTransaction(Topics.SPRING + ":" + Payload.TAG,
            Payload.springMessage(orderId), orderId), orderId);
    }

    @Override
    public void close() {
        context.close();
    }

    /** The context: rocketmq-spring's auto-configuration and the listener. */
    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(RocketMQAutoConfiguration.class)
    static class Application {
        @Bean
        SpringOrderListener orderListener(DataSource dataSource) {
            return new SpringOrderListener(dataSource);
        }
    }
}
