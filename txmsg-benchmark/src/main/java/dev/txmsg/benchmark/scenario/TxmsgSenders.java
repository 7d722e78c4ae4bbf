package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.benchmark.db.OrderTable;
import dev.txmsg.rocketmq.RocketMqTransactionalSender;

/** txmsg senders as a user builds them from the README, and the executor every plain-JDBC txmsg send runs. */
public final class TxmsgSenders {

    /** Inserts the order on txmsg's connection. */
    public static final LocalTransactionExecutor<Long> INSERT_ORDER = (ctx, orderId) -> OrderTable.insert(ctx.connection(), orderId);

    private TxmsgSenders() {
    }

    /** A builder with the README's settings (and txmsg's defaults for everything else). */
    public static RocketMqTransactionalSender.Builder builder(String nameServer, String group, DataSource dataSource, String topic) {
        return RocketMqTransactionalSender.builder()
            .nameServer(nameServer)
            .producerGroup(group)
            .dataSource(dataSource)
            .topics(topic);
    }
}
