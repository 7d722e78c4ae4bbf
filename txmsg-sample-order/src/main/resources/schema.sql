-- The order service's own table (txmsg creates its tables itself); portable between H2 and MySQL/MariaDB.
CREATE TABLE IF NOT EXISTS orders (
    seq                 BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
    id                  VARCHAR(64)   NOT NULL UNIQUE,
    account_id          VARCHAR(64)   NOT NULL,
    amount              DECIMAL(12,2) NOT NULL,
    status              VARCHAR(16)   NOT NULL,
    reason              VARCHAR(200)  NULL,
    idempotency_key     VARCHAR(128)  NULL UNIQUE,
    request_fingerprint VARCHAR(64)   NULL
);

-- The audit trail, filled from ORDER_AUDITED events when order.audit-events=true.
CREATE TABLE IF NOT EXISTS order_audit (
    order_id   VARCHAR(64)   NOT NULL PRIMARY KEY,
    account_id VARCHAR(64)   NOT NULL,
    amount     DECIMAL(12,2) NOT NULL
);
