package dev.txmsg.rocketmq.store;

import java.time.Instant;

/** A row of {@code txmsg_audit}, as MyBatis maps it. */
final class AuditRow {
    public Long id;
    public Instant actedAt;
    public String actor;
    public String action;
    public String kind;
    public String target;
    public String reason;
    public String outcome;
}
