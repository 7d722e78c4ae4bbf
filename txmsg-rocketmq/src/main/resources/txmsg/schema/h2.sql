-- txmsg transaction log, H2 2.x.
-- One row per transactional message; the primary key on tx_id is what fences check-backs.
-- With txmsg.table set to another name, replace txmsg_tx_log everywhere below.
-- The consumer tables (txmsg_consume_log, txmsg_dead_letter, txmsg_in_doubt, txmsg_audit) follow the log tables.
CREATE TABLE IF NOT EXISTS txmsg_tx_log (
    tx_id      VARCHAR(64)  NOT NULL PRIMARY KEY,
    state      VARCHAR(16)  NOT NULL,
    topic      VARCHAR(255) NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT LOCALTIMESTAMP(3)
);

CREATE INDEX IF NOT EXISTS idx_txmsg_tx_log_created_at ON txmsg_tx_log (created_at);

-- The identity of this log, carried by every message it writes (one row, id = 1).
CREATE TABLE IF NOT EXISTS txmsg_tx_log_identity (
    id           INT          NOT NULL PRIMARY KEY,
    log_identity VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT LOCALTIMESTAMP(3)
);

-- Consumers: one row per (consumer group, topic, message) applied; a duplicate finds the key
-- (H2 compares strings exactly).
CREATE TABLE IF NOT EXISTS txmsg_consume_log (
    consumer_group VARCHAR(128) NOT NULL,
    message_key    VARCHAR(128) NOT NULL,
    topic          VARCHAR(255) NOT NULL,
    consumed_at    TIMESTAMP(3) NOT NULL DEFAULT LOCALTIMESTAMP(3),
    PRIMARY KEY (consumer_group, topic, message_key)
);

CREATE INDEX IF NOT EXISTS idx_txmsg_consume_log_consumed_at ON txmsg_consume_log (consumed_at);

-- Messages a handler failed to apply: RETRYING while attempts remain, then DEAD until an operator
-- replays or discards them (or a later delivery of the same message applies it: APPLIED).
CREATE TABLE IF NOT EXISTS txmsg_dead_letter (
    id               BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    consumer_group   VARCHAR(128)  NOT NULL,
    message_key      VARCHAR(128)  NOT NULL,
    message_id       VARCHAR(128)  NOT NULL,
    topic            VARCHAR(255)  NOT NULL,
    tag              VARCHAR(255)  NULL,
    message_keys     VARCHAR(1024) NULL,
    body             VARBINARY     NOT NULL,
    properties       CLOB          NOT NULL,
    attempts         INT           NOT NULL,
    first_failure_at TIMESTAMP(3)  NOT NULL DEFAULT LOCALTIMESTAMP(3),
    last_failure_at  TIMESTAMP(3)  NOT NULL DEFAULT LOCALTIMESTAMP(3),
    cause            CLOB          NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    resolution       VARCHAR(1024) NULL,
    CONSTRAINT uk_txmsg_dead_letter UNIQUE (consumer_group, topic, message_key)
);

CREATE INDEX IF NOT EXISTS idx_txmsg_dead_letter_last_failure ON txmsg_dead_letter (last_failure_at);

-- Half messages whose check-backs the broker exhausted (TRANS_CHECK_MAX_TIME_TOPIC), settled from
-- the transaction log or left IN_DOUBT for an operator.
CREATE TABLE IF NOT EXISTS txmsg_in_doubt (
    tx_id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    producer_group VARCHAR(128)  NOT NULL,
    topic          VARCHAR(255)  NOT NULL,
    tag            VARCHAR(255)  NULL,
    message_keys   VARCHAR(1024) NULL,
    body           VARBINARY     NOT NULL,
    properties     CLOB          NOT NULL,
    born_at        TIMESTAMP(3)  NOT NULL,
    recorded_at    TIMESTAMP(3)  NOT NULL DEFAULT LOCALTIMESTAMP(3),
    status         VARCHAR(16)   NOT NULL,
    resolution     VARCHAR(1024) NULL
);

CREATE INDEX IF NOT EXISTS idx_txmsg_in_doubt_recorded_at ON txmsg_in_doubt (recorded_at);

-- Operator actions (replays and discards, from the Operations api, the endpoint or the console): who,
-- when, what, on which record, why, and what came of it. Written before the action (outcome PENDING)
-- and completed after it: no action runs unrecorded.
CREATE TABLE IF NOT EXISTS txmsg_audit (
    id         BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    acted_at   TIMESTAMP(3)  NOT NULL DEFAULT LOCALTIMESTAMP(3),
    actor      VARCHAR(255)  NOT NULL,
    action     VARCHAR(32)   NOT NULL,
    kind       VARCHAR(32)   NOT NULL,
    target     VARCHAR(255)  NOT NULL,
    reason     VARCHAR(1024) NULL,
    outcome    VARCHAR(1024) NOT NULL
);

CREATE INDEX IF NOT EXISTS idx_txmsg_audit_acted_at ON txmsg_audit (acted_at);

-- Outbox mode: one row per message of a producer group, written in the local transaction; the relay publishes it after
-- the commit and deletes it (or, with txmsg.outbox.published-retention, marks it PUBLISHED and purges it later).
-- FAILED rows (refused for good) wait for an operator and hold back the later rows of their ordering key;
-- DISCARDED rows are kept for the record.
CREATE TABLE IF NOT EXISTS txmsg_outbox (
    id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tx_id          VARCHAR(64)   NOT NULL,
    producer_group VARCHAR(128)  NOT NULL,
    partition_no   INT           NOT NULL,
    topic        VARCHAR(255)  NOT NULL,
    tag          VARCHAR(255)  NULL,
    message_keys VARCHAR(1024) NULL,
    order_key    VARCHAR(1024) NULL,
    body         VARBINARY     NOT NULL,
    properties   CLOB          NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    attempts     INT           NOT NULL DEFAULT 0,
    created_at   TIMESTAMP(3)  NOT NULL DEFAULT LOCALTIMESTAMP(3),
    cause        CLOB          NULL,
    published_at TIMESTAMP(3)  NULL,
    resolution   VARCHAR(1024) NULL,
    CONSTRAINT uk_txmsg_outbox_tx_id UNIQUE (tx_id)
);

CREATE INDEX IF NOT EXISTS idx_txmsg_outbox_partition ON txmsg_outbox (producer_group, partition_no, status, id);

-- Which relay publishes which outbox partition of a producer group, until when (the database's clock).
CREATE TABLE IF NOT EXISTS txmsg_outbox_lease (
    producer_group VARCHAR(128) NOT NULL,
    partition_no   INT          NOT NULL,
    owner          VARCHAR(255) NULL,
    expires_at     TIMESTAMP(3) NULL,
    PRIMARY KEY (producer_group, partition_no)
);

-- The relays running on this outbox, each until when it last said it lives (the database's clock).
CREATE TABLE IF NOT EXISTS txmsg_outbox_relay (
    owner          VARCHAR(255) NOT NULL PRIMARY KEY,
    producer_group VARCHAR(128) NOT NULL,
    expires_at     TIMESTAMP(3) NOT NULL
);
