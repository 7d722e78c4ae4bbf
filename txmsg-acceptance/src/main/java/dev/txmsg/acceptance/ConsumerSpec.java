package dev.txmsg.acceptance;

import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;

import dev.txmsg.api.consume.Subscription;

/**
 * Consumers a suite asks for: started, new consumer groups starting from the first stored message.
 *
 * @param nameServer    the broker's name server
 * @param dataSource    the database of the handlers' transactions and of the consumer tables
 * @param subscriptions what they consume
 * @param meters        where their meters go
 */
public record ConsumerSpec(String nameServer, DataSource dataSource, List<Subscription> subscriptions, MeterRegistry meters) {

    /** Copies the subscriptions. */
    public ConsumerSpec {
        Objects.requireNonNull(nameServer, "nameServer");
        Objects.requireNonNull(dataSource, "dataSource");
        subscriptions = List.copyOf(subscriptions);
        Objects.requireNonNull(meters, "meters");
    }
}
