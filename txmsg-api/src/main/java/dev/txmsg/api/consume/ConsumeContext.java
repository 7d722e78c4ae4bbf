package dev.txmsg.api.consume;

import java.sql.Connection;

/** What a handler may know of the transaction it runs in. */
public interface ConsumeContext {

    /** The consumer group. */
    String consumerGroup();

    /**
     * The JDBC connection of the handler's transaction, for plain JDBC code. Do not commit, roll
     * back or close it. Under Spring, {@code JdbcTemplate} and MyBatis use it anyway.
     */
    Connection connection();
}
