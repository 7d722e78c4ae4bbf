-- txmsg 0.1 -> 0.2, MySQL 8 and MariaDB 10.6+ (see the README, "Upgrading").
-- The consumer tables are keyed by (consumer group, topic, message key), compared byte for byte;
-- messages not sent by txmsg are keyed by their unique message id instead of their first key.
-- Run it while no consumer of these tables runs (a rolling upgrade would let old and new instances
-- de-duplicate by different keys). Rows written by 0.1 for txmsg's own messages stay valid.

ALTER TABLE txmsg_consume_log
    MODIFY consumer_group VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY message_key    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY topic          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP PRIMARY KEY,
    ADD PRIMARY KEY (consumer_group, topic, message_key);

ALTER TABLE txmsg_dead_letter
    MODIFY consumer_group VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    MODIFY message_key    VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY topic          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    DROP INDEX uk_txmsg_dead_letter,
    ADD UNIQUE KEY uk_txmsg_dead_letter (consumer_group, topic, message_key);

-- Optional: transaction ids compared byte for byte (txmsg writes them in one case anyway).
ALTER TABLE txmsg_tx_log COLLATE = ascii_bin, MODIFY tx_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;
ALTER TABLE txmsg_in_doubt MODIFY tx_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL;

-- 0.2 records operator actions (replays, discards) in a table of their own; Operations needs it.
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
