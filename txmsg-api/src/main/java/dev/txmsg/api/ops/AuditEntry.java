package dev.txmsg.api.ops;

import java.time.Instant;

/**
 * One operator action, as the audit table keeps it.
 *
 * @param id      its number, increasing
 * @param at      when it was taken (the database's clock)
 * @param actor   who took it: the authenticated user of the endpoint or the console, or the name given to
 *                {@link Operations#as(String)}
 * @param action  {@code replay} or {@code discard}
 * @param kind    {@code dead-letter}, {@code in-doubt} or {@code outbox}
 * @param target  the record: a dead letter's id or a transaction id
 * @param reason  why (required to discard), or {@code null}
 * @param outcome what came of it ({@code APPLIED}, {@code NOT_PENDING}, {@code DISCARDED}, ...), or
 *                {@code PENDING} while it runs (or if the process died during it)
 */
public record AuditEntry(long id, Instant at, String actor, String action, String kind, String target, String reason,
                         String outcome) {
}
