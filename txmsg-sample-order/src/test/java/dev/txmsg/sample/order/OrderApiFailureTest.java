package dev.txmsg.sample.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLTransientConnectionException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;

import dev.txmsg.test.EmbeddedRocketMQ;
import dev.txmsg.test.WithEmbeddedRocketMQ;

/**
 * A failure is never answered "200" with an empty body (issue #10, finding 14). The cause: the
 * samples' handler extends Spring MVC's {@code ResponseEntityExceptionHandler}, which matches an
 * exception it has no handler for by its causes too, and answers an
 * {@code AsyncRequestNotUsableException} (the client's connection is gone) with {@code null}:
 * "handled", nothing written, and the container completes the response as an empty 200. Any
 * exception with such a cause — an I/O failure wrapped by a framework — became an empty 200. A
 * handler for {@code Exception} itself matches first, so it becomes a problem.
 */
@WithEmbeddedRocketMQ
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:order-failures;DB_CLOSE_DELAY=-1", "txmsg.consumer.enabled=false"})
class OrderApiFailureTest {

    static final AtomicBoolean DATABASE_DOWN = new AtomicBoolean();
    static EmbeddedRocketMQ mq;

    @Autowired
    TestRestTemplate http;

    @BeforeAll
    static void broker(EmbeddedRocketMQ broker) {
        mq = broker;
    }

    @DynamicPropertySource
    static void nameServer(DynamicPropertyRegistry registry) {
        registry.add("rocketmq.name-server", () -> mq.nameServerAddress());
    }

    @AfterEach
    void databaseUp() {
        DATABASE_DOWN.set(false);
    }

    @TestConfiguration
    static class Failures {
        /** The application's DataSource, unreachable while DATABASE_DOWN is set. */
        @Bean
        static BeanPostProcessor breakableDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    if (!(bean instanceof DataSource ds)) {
                        return bean;
                    }
                    return new DelegatingDataSource(ds) {
                        @Override
                        public java.sql.Connection getConnection() throws java.sql.SQLException {
                            if (DATABASE_DOWN.get()) {
                                throw new SQLTransientConnectionException("injected: the database is unreachable");
                            }
                            return super.getConnection();
                        }
                    };
                }
            };
        }

        /** An exception whose cause says the client's connection is unusable, as a framework wraps an I/O failure. */
        @RestController
        static class Wrapped {
            @GetMapping("/test-only/wrapped-io-failure")
            String fail() {
                throw new IllegalStateException("writing failed", new AsyncRequestNotUsableException("connection reset"));
            }
        }
    }

    @Test
    void aDatabaseThatIsDownIsAnswered503WithAProblemAndTheSameKeySucceedsOnceItIsBack() {
        DATABASE_DOWN.set(true);
        ResponseEntity<String> down = post("{\"accountId\":\"A1\",\"amount\":3.00}", "k-down-1");

        assertThat(down.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(down.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(down.getBody()).contains("\"detail\"").contains("not placed");

        DATABASE_DOWN.set(false);
        ResponseEntity<Map> placed = http.postForEntity("/orders", request("{\"accountId\":\"A1\",\"amount\":3.00}", "k-down-1"), Map.class);
        assertThat(placed.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(placed.getBody()).containsKey("id");
    }

    @Test
    void anExceptionCausedByAnUnusableConnectionIsAProblemNotAnEmpty200() {
        ResponseEntity<String> answer = http.getForEntity("/test-only/wrapped-io-failure", String.class);

        assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
        assertThat(answer.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(answer.getBody()).isNotBlank();
    }

    private ResponseEntity<String> post(String json, String key) {
        return http.postForEntity("/orders", request(json, key), String.class);
    }

    private static HttpEntity<String> request(String json, String key) {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        headers.set("Idempotency-Key", key);
        return new HttpEntity<>(json, headers);
    }
}
