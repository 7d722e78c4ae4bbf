package dev.txmsg.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against the JVM's shared {@link EmbeddedRocketMQ}; declare a
 * parameter of that type to get its name-server address.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(EmbeddedRocketMQExtension.class)
public @interface WithEmbeddedRocketMQ {
}
