-- The account service's own table (txmsg creates its tables itself); portable between H2 and MySQL/MariaDB.
CREATE TABLE IF NOT EXISTS accounts (
    id      VARCHAR(64)   NOT NULL PRIMARY KEY,
    balance DECIMAL(14,2) NOT NULL
);
