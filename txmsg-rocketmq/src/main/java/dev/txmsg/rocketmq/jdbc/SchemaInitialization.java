package dev.txmsg.rocketmq.jdbc;

/** When txmsg creates its tables, like Spring Boot's {@code spring.sql.init.mode}. */
public enum SchemaInitialization {
    /** Create the tables on an embedded database (H2) only; elsewhere expect them to exist. */
    EMBEDDED,
    /** Create the tables if missing, on any supported database. */
    ALWAYS,
    /** Never create them: a missing table fails start-up with a message naming it and the schema file. */
    NEVER
}
