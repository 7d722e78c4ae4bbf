package dev.txmsg.rocketmq.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.ops.AuditEntry;
import dev.txmsg.api.ops.InDoubtTransaction;
import dev.txmsg.api.ops.MessageTrail;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;
import dev.txmsg.rocketmq.RocketMqTxMsg;
import dev.txmsg.rocketmq.check.ConfiguredDecider;
import dev.txmsg.rocketmq.check.InDoubtWatcher;
import dev.txmsg.rocketmq.check.TransactionDecider;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;
import dev.txmsg.rocketmq.log.MyBatisTransactionLog;
import dev.txmsg.rocketmq.log.RetentionHorizon;
import dev.txmsg.rocketmq.log.RunningTransactions;
import dev.txmsg.rocketmq.store.ConsumerStore;

/** On H2, and the in-doubt case (see the parent). */
class H2WhereIsMyMessageTest extends WhereIsMyMessageAcceptanceTest {

    @BeforeAll
    static void startAll() {
        start(TestDatabase.h2());
    }

    @Override
    TestDatabase freshDatabase() {
        return TestDatabase.h2();
    }

    @Test
    void anInDoubtMessageIsFoundAndItsDiscardIsAuditedWithWhoAndWhy() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String topic = "trail-in-doubt-" + id;
        String group = "p-trail-in-doubt-" + id;
        mq.broker().createTopic(topic, 2);
        MyBatisTransactionLog log = MyBatisTransactionLog.builder(db.dataSource()).schemaInitialization(SchemaInitialization.ALWAYS).build();
        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS);
        EndDropper ends = new EndDropper();
        ends.dropAll();
        RocketMqTxMsg sender = closing(RocketMqTxMsg.builder(client(), group).dataSource(db.dataSource()).transactionLog(log)
            .options(o -> o.withTopics(List.of(topic))).decorate(real -> request -> TransactionState.UNKNOWN).build());
        sender.producer().getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient().registerRPCHook(ends);
        // to this watcher two hours have passed: beyond the one-hour retention, a row-less message waits for an operator
        ConfiguredDecider fromTheLog = new ConfiguredDecider(new TransactionDecider(log, RetentionHorizon.of(Duration.ofHours(1),
            Duration.ofMinutes(5), Clock.offset(Clock.systemUTC(), Duration.ofHours(2))), new RunningTransactions()), List.of());
        closing(new InDoubtWatcher(client(), group, fromTheLog, store, sender.republisher(), Duration.ofSeconds(1)).start());
        TxMsgOperations ops = new TxMsgOperations(store, null, sender.republisher())
            .withTrailSources(log, KeyIndex.broker(sender.producer(), () -> List.of(topic), Duration.ofHours(1)));

        String stuck = sendHalfOnly(sender, log, topic, "order-stuck-" + id);
        await().atMost(PATIENCE).until(() -> store.inDoubt(stuck).isPresent());

        MessageTrail trail = ops.trail("order-stuck-" + id);
        assertThat(trail.transactionIds()).containsExactly(stuck);
        assertThat(trail.inDoubt()).singleElement().extracting(InDoubtTransaction::status).isEqualTo(InDoubtTransaction.Status.IN_DOUBT);
        assertThat(trail.log()).as("the producer died before its local transaction").isEmpty();
        assertThat(ops.trail(stuck).inDoubt()).hasSize(1);

        long before = ops.audit(Query.all()).stream().mapToLong(AuditEntry::id).max().orElse(0);
        assertThatThrownBy(() -> ops.as("alice").discardInDoubt(stuck, "  ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(newEntries(ops, before)).as("bad input writes nothing").isEmpty();

        assertThat(ops.as("alice").discardInDoubt(stuck, "checked: order " + id + " was never created")).isTrue();
        assertThat(ops.as("bob").discardInDoubt(stuck, "twice")).isFalse();
        assertThat(ops.replayInDoubt(stuck).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(newEntries(ops, before)).extracting(AuditEntry::actor, AuditEntry::action, AuditEntry::kind, AuditEntry::target,
                AuditEntry::reason, AuditEntry::outcome)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(TxMsgOperations.DEFAULT_ACTOR, "replay", "in-doubt", stuck, null, "NOT_PENDING"),
                org.assertj.core.groups.Tuple.tuple("bob", "discard", "in-doubt", stuck, "twice", "NOT_PENDING"),
                org.assertj.core.groups.Tuple.tuple("alice", "discard", "in-doubt", stuck, "checked: order " + id + " was never created",
                    "DISCARDED"));
        assertThat(newEntries(ops, before)).allSatisfy(a -> assertThat(a.at()).isNotNull());
    }
}

