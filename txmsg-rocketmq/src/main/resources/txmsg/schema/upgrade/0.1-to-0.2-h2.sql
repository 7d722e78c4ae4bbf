-- txmsg 0.1 -> 0.2, H2 2.x (see the README, "Upgrading"): the consumer tables are keyed by
-- (consumer group, topic, message key). Run it while no consumer of these tables runs.

ALTER TABLE txmsg_consume_log DROP PRIMARY KEY;
ALTER TABLE txmsg_consume_log ADD PRIMARY KEY (consumer_group, topic, message_key);

ALTER TABLE txmsg_dead_letter DROP CONSTRAINT uk_txmsg_dead_letter;
ALTER TABLE txmsg_dead_letter ADD CONSTRAINT uk_txmsg_dead_letter UNIQUE (consumer_group, topic, message_key);

-- 0.2 records operator actions (replays, discards) in a table of their own; Operations needs it.
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
