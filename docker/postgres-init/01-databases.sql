-- One database per service (no distributed transaction between them) and a role for both, owner of
-- each, so that each service creates its own tables at start-up (txmsg.initialize-schema=always,
-- spring.sql.init.mode=always).
CREATE ROLE txmsg LOGIN PASSWORD 'txmsg';
CREATE DATABASE txmsg_order OWNER txmsg;
CREATE DATABASE txmsg_account OWNER txmsg;
