-- One database per service (no distributed transaction between them) and a user for both.
-- Each service creates its own tables at start-up (txmsg.initialize-schema=always, spring.sql.init.mode=always).
CREATE DATABASE IF NOT EXISTS txmsg_order;
CREATE DATABASE IF NOT EXISTS txmsg_account;
CREATE USER IF NOT EXISTS 'txmsg'@'%' IDENTIFIED BY 'txmsg';
GRANT ALL PRIVILEGES ON txmsg_order.* TO 'txmsg'@'%';
GRANT ALL PRIVILEGES ON txmsg_account.* TO 'txmsg'@'%';
FLUSH PRIVILEGES;
