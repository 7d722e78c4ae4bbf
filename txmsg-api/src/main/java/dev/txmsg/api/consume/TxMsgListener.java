package dev.txmsg.api.consume;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link MessageHandler} bean as a subscription; the Spring Boot starter registers it.
 *
 * <pre>{@code
 * @Component
 * @TxMsgListener(consumerGroup = "account-service", topic = "ORDER_EVENTS", tags = "ORDER_CREATED")
 * class OrderCreatedHandler implements MessageHandler { ... }
 * }</pre>
 *
 * Values may be {@code ${...}} placeholders.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface TxMsgListener {

    /** The consumer group. */
    String consumerGroup();

    /** The topic. */
    String topic();

    /** Tag filter: {@code *} for all, or tags separated by {@code ||}. */
    String tags() default "*";

    /** Deliveries before a failing message becomes a dead letter. */
    int maxAttempts() default Subscription.DEFAULT_MAX_ATTEMPTS;

    /** Exception types that make a message a dead letter at once. */
    Class<? extends Throwable>[] nonRetryable() default {};
}
