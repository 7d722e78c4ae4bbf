-- txmsg transaction log, MySQL 8 and MariaDB 10.6+ (InnoDB).
-- One row per transactional message; the primary key on tx_id is what fences check-backs.
-- With txmsg.table set to another name, replace txmsg_tx_log everywhere below.
-- The consumer tables (txmsg_consume_log, txmsg_dead_letter, txmsg_in_doubt, txmsg_audit) follow the log tables.
CREATE TABLE IF NOT EXISTS txmsg_tx_log (
    tx_id      VARCHAR(64)  NOT NULL,
    state      VARCHAR(16)  NOT NULL,
    topic      VARCHAR(255) NOT NULL,
    created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (tx_id),
    KEY idx_txmsg_tx_log_created_at (created_at)
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;

-- The identity of this log, carried by every message it writes (one row, id = 1).
CREATE TABLE IF NOT EXISTS txmsg_tx_log_identity (
    id           INT          NOT NULL,
    log_identity VARCHAR(64)  NOT NULL,
    created_at   TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = ascii;

-- Consumers: one row per (consumer group, topic, message) applied; a duplicate finds the key.
-- Compared byte for byte (binary collations): 'A1' and 'a1' are two messages, 'grp' and 'GRP' two groups.
CREATE TABLE IF NOT EXISTS txmsg_consume_log (
    consumer_group VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    message_key    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    topic          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    consumed_at    TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (consumer_group, topic, message_key),
    KEY idx_txmsg_consume_log_consumed_at (consumed_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Messages a handler failed to apply: RETRYING while attempts remain, then DEAD until an operator
-- replays or discards them (or a later delivery of the same message applies it: APPLIED).
CREATE TABLE IF NOT EXISTS txmsg_dead_letter (
    id               BIGINT        NOT NULL AUTO_INCREMENT,
    consumer_group   VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    message_key      VARCHAR(128)  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    message_id       VARCHAR(128)  NOT NULL,
    topic            VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    tag              VARCHAR(255)  NULL,
    message_keys     VARCHAR(1024) NULL,
    body             LONGBLOB      NOT NULL,
    properties       TEXT          NOT NULL,
    attempts         INT           NOT NULL,
    first_failure_at TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    last_failure_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    cause            TEXT          NOT NULL,
    status           VARCHAR(16)   NOT NULL,
    resolution       VARCHAR(1024) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_txmsg_dead_letter (consumer_group, topic, message_key),
    KEY idx_txmsg_dead_letter_last_failure (last_failure_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Half messages whose check-backs the broker exhausted (TRANS_CHECK_MAX_TIME_TOPIC), settled from
-- the transaction log or left IN_DOUBT for an operator.
CREATE TABLE IF NOT EXISTS txmsg_in_doubt (
    tx_id          VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    producer_group VARCHAR(128)  NOT NULL,
    topic          VARCHAR(255)  NOT NULL,
    tag            VARCHAR(255)  NULL,
    message_keys   VARCHAR(1024) NULL,
    body           LONGBLOB      NOT NULL,
    properties     TEXT          NOT NULL,
    born_at        TIMESTAMP(3)  NOT NULL,
    recorded_at    TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    status         VARCHAR(16)   NOT NULL,
    resolution     VARCHAR(1024) NULL,
    PRIMARY KEY (tx_id),
    KEY idx_txmsg_in_doubt_recorded_at (recorded_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Operator actions (replays and discards, from the Operations api, the endpoint or the console): who,
-- when, what, on which record, why, and what came of it. Written before the action (outcome PENDING)
-- and completed after it: no action runs unrecorded.
CREATE TABLE IF NOT EXISTS txmsg_audit (
    id         BIGINT        NOT NULL AUTO_INCREMENT,
    acted_at   TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    actor      VARCHAR(255)  NOT NULL,
    action     VARCHAR(32)   NOT NULL,
    kind       VARCHAR(32)   NOT NULL,
    target     VARCHAR(255)  NOT NULL,
    reason     VARCHAR(1024) NULL,
    outcome    VARCHAR(1024) NOT NULL,
    PRIMARY KEY (id),
    KEY idx_txmsg_audit_acted_at (acted_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Outbox mode: one row per message of a producer group, written in the local transaction; the relay publishes it after
-- the commit and deletes it (or, with txmsg.outbox.published-retention, marks it PUBLISHED and purges it later).
-- FAILED rows (refused for good) wait for an operator and hold back the later rows of their ordering key;
-- DISCARDED rows are kept for the record.
CREATE TABLE IF NOT EXISTS txmsg_outbox (
    id           BIGINT        NOT NULL AUTO_INCREMENT,
    tx_id          VARCHAR(64)   CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    producer_group VARCHAR(128)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_no   INT           NOT NULL,
    topic        VARCHAR(255)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    tag          VARCHAR(255)  NULL,
    message_keys VARCHAR(1024) NULL,
    order_key    VARCHAR(1024) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    body         LONGBLOB      NOT NULL,
    properties   TEXT          NOT NULL,
    status       VARCHAR(16)   NOT NULL,
    attempts     INT           NOT NULL DEFAULT 0,
    created_at   TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    cause        TEXT          NULL,
    published_at TIMESTAMP(3)  NULL,
    resolution   VARCHAR(1024) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY uk_txmsg_outbox_tx_id (tx_id),
    KEY idx_txmsg_outbox_partition (producer_group, partition_no, status, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Which relay publishes which outbox partition of a producer group, until when (the database's clock, UTC).
CREATE TABLE IF NOT EXISTS txmsg_outbox_lease (
    producer_group VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    partition_no   INT          NOT NULL,
    owner          VARCHAR(255) NULL,
    expires_at     DATETIME(3)  NULL,
    PRIMARY KEY (producer_group, partition_no)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The relays running on this outbox, each until when it last said it lives (the database's clock, UTC).
CREATE TABLE IF NOT EXISTS txmsg_outbox_relay (
    owner          VARCHAR(255) NOT NULL,
    producer_group VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    expires_at     DATETIME(3)  NOT NULL,
    PRIMARY KEY (owner),
    KEY idx_txmsg_outbox_relay_group (producer_group)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
