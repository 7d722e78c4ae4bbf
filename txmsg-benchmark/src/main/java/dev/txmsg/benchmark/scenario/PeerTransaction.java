package dev.txmsg.benchmark.scenario;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.benchmark.db.Jdbc;
import dev.txmsg.benchmark.db.OrderTable;
import dev.txmsg.benchmark.db.PeerLog;

/**
 * The local transaction and the check-back of both peers (plain RocketMQ and rocketmq-spring), as
 * a careful user writes them today: the order and a log row in one JDBC transaction, and a
 * check-back that reads the log. One function for both, so that the two differ only by library.
 */
final class PeerTransaction {

    /**
     * A check-back that finds no row cannot tell "rolled back" from "still running"; users guess by
     * age. (txmsg fences instead.)
     */
    static final Duration ASSUME_ROLLED_BACK_AFTER = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(PeerTransaction.class);

    /** What the listener tells the broker. */
    enum Decision {
        COMMIT, ROLLBACK, UNKNOWN
    }

    private PeerTransaction() {
    }

    /** Inserts order {@code orderId} and its log row in one transaction. */
    static Decision execute(DataSource dataSource, long orderId) {
        try {
            Jdbc.inTransaction(dataSource, c -> {
                OrderTable.insert(c, orderId);
                PeerLog.record(c, Payload.key(orderId));
            });
            return Decision.COMMIT;
        } catch (SQLException | RuntimeException e) {
            LOG.warn("the local transaction of order {} failed and was rolled back: {}", orderId, e.toString());
            return Decision.ROLLBACK;
        }
    }

    /** Answers a check-back for the message with {@code key}, born at {@code bornMillis}. */
    static Decision check(DataSource dataSource, String key, long bornMillis) {
        try {
            if (PeerLog.contains(dataSource, key)) {
                return Decision.COMMIT;
            }
        } catch (SQLException e) {
            return Decision.UNKNOWN;
        }
        boolean old = System.currentTimeMillis() - bornMillis > ASSUME_ROLLED_BACK_AFTER.toMillis();
        return old ? Decision.ROLLBACK : Decision.UNKNOWN;
    }
}
