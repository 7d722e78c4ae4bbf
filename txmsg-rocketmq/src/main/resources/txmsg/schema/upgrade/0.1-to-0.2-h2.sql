-- txmsg 0.1 -> 0.2, H2 2.x (see the README, "Upgrading"): the consumer tables are keyed by
-- (consumer group, topic, message key). Run it while no consumer of these tables runs.

ALTER TABLE txmsg_consume_log DROP PRIMARY KEY;
ALTER TABLE txmsg_consume_log ADD PRIMARY KEY (consumer_group, topic, message_key);

ALTER TABLE txmsg_dead_letter DROP CONSTRAINT uk_txmsg_dead_letter;
ALTER TABLE txmsg_dead_letter ADD CONSTRAINT uk_txmsg_dead_letter UNIQUE (consumer_group, topic, message_key);
