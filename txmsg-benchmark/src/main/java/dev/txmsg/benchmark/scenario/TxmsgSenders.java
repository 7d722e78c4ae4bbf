package dev.txmsg.benchmark.scenario;

import java.util.List;

import javax.sql.DataSource;

import org.apache.rocketmq.remoting.RPCHook;

import dev.txmsg.api.LocalTransactionExecutor;
import dev.txmsg.benchmark.db.OrderTable;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.client.ClientOptions;

/** txmsg senders as a user builds them from the README, and the executor every plain-JDBC txmsg send runs. */
public final class TxmsgSenders {

    /** Inserts the order on txmsg's connection. */
    public static final LocalTransactionExecutor<Long> INSERT_ORDER = (ctx, orderId) -> OrderTable.insert(ctx.connection(), orderId);

    private TxmsgSenders() {
    }

    /** A builder with the README's settings (and txmsg's defaults for everything else). */
    public static RocketMqTxMsg.Builder builder(String nameServer, String group, DataSource dataSource, String topic) {
        return RocketMqTxMsg.builder(ClientOptions.of(nameServer), group)
            .dataSource(dataSource)
            .options(o -> o.withTopics(List.of(topic)));
    }

    /** Adds {@code hook} to the started producer's client (to lose ends, as a crash would). */
    public static void addHook(RocketMqTxMsg txmsg, RPCHook hook) {
        txmsg.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(hook);
    }
}
