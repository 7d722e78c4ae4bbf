package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.apache.rocketmq.client.exception.MQBrokerException;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.remoting.exception.RemotingConnectException;
import org.apache.rocketmq.remoting.exception.RemotingTimeoutException;
import org.apache.rocketmq.remoting.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.txmsg.acceptance.support.EndDropper;
import dev.txmsg.acceptance.support.OrderedCollector;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionContext;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.consume.Subscription;
import dev.txmsg.api.ops.OutboxMessage;
import dev.txmsg.api.ops.Query;
import dev.txmsg.api.ops.ReplayResult;

/**
 * The guarantees of outbox mode (issue #14): a message is an outbox row written in the local
 * transaction and published by a relay after the commit — never before, never for a rollback,
 * at least once after a crash, in order per key with several relays, and a message the broker
 * refuses waits for an operator, holding back its key alone. Real broker, real database; faults
 * are injected around the relay's real publication.
 */
public abstract class OutboxAcceptanceTest extends SendFixture {

    private OutboxUnderTest outbox(OutboxSpec spec) {
        return outbox(spec, db.dataSource());
    }

    private OutboxUnderTest outbox(OutboxSpec spec, javax.sql.DataSource dataSource) {
        OutboxUnderTest sender = harness().outboxSender(SenderSpec.of(mq.nameServerAddress(), group, topic, dataSource), spec);
        closeables.add(0, sender);
        return sender;
    }

    private long outboxRows(String txId) {
        return db.queryLong("SELECT COUNT(*) FROM txmsg_outbox WHERE tx_id = '" + txId + "'");
    }

    private TxMessage keyed(String key, String body) {
        return TxMessage.builder(topic).tag("EVENT").key(key).body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    // ---- send

    @Test
    void aCommittedSendIsPublishedOnceWithItsTransactionIdAndLeavesTheOutbox() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults());

        SendReceipt receipt = sender.send(order("ob-1"), this::insertOrder, "ob-1");

        assertThat(receipt.state()).isEqualTo(TransactionState.COMMITTED);
        assertThat(receipt.delivery()).isEqualTo(SendReceipt.Delivery.OUTBOX);
        assertThat(receipt.messageId()).isEqualTo(receipt.transactionId());
        assertThat(orderExists("ob-1")).isTrue();
        assertThat(logState(receipt.transactionId())).as("outbox mode writes no transaction-log row").isNull();
        await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) == 1);
        assertThat(consumer.tag(receipt.transactionId())).isEqualTo("ORDER_CREATED");
        await().atMost(PATIENCE).until(() -> outboxRows(receipt.transactionId()) == 0);
        assertThat(consumer.count(receipt.transactionId())).isEqualTo(1);
    }

    @Test
    void publishedMessagesAreKeptForTheRecordWhenARetentionIsSet() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withKeepPublished(Duration.ofHours(1)));

        SendReceipt receipt = sender.send(order("ob-kept"), this::insertOrder, "ob-kept");

        await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) == 1);
        await().atMost(PATIENCE).until(() -> "PUBLISHED".equals(
            db.queryString("SELECT status FROM txmsg_outbox WHERE tx_id = '" + receipt.transactionId() + "'")));
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_outbox WHERE tx_id = '" + receipt.transactionId()
            + "' AND published_at IS NOT NULL")).isEqualTo(1);
        assertThat(sender.operations().outbox(Query.all())).noneMatch(m -> m.transactionId().equals(receipt.transactionId()));
    }

    @Test
    void nothingIsPublishedBeforeTheCommitWhileTheRelayPublishesOthers() throws Exception {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withPartitions(1)); // one partition: the relay passes by it
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> heldId = new AtomicReference<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<SendReceipt> held = pool.submit(() -> sender.send(order("ob-held"), (ctx, id) -> {
                insertOrder(ctx, id);
                ctx.addMessage(keyed("ob-held-added", "added while open")); // its row is written now, uncommitted
                heldId.set(ctx.transactionIds().get(1));
                inside.countDown();
                release.await();
            }, "ob-held"));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

            SendReceipt other = sender.send(order("ob-other"), this::insertOrder, "ob-other");
            await().atMost(PATIENCE).until(() -> consumer.count(other.transactionId()) == 1);
            assertThat(consumer.count(heldId.get())).as("the relay published the partition while the row was uncommitted").isZero();

            release.countDown();
            SendReceipt receipt = held.get(30, TimeUnit.SECONDS);
            await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) == 1 && consumer.count(heldId.get()) == 1);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorFailureWritesAndPublishesNothing() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults());
        IllegalStateException boom = new IllegalStateException("business rule violated");
        List<String> ids = new ArrayList<>();

        Throwable thrown = catchThrowable(() -> sender.send(List.of(order("ob-2"), order("ob-2-audit")), (ctx, id) -> {
            insertOrder(ctx, id);
            ctx.addMessage(order("ob-2-added"));
            ids.addAll(ctx.transactionIds());
            throw boom;
        }, "ob-2"));

        assertThat(thrown).isSameAs(boom);
        assertThat(orderExists("ob-2")).isFalse();
        assertThat(ids).hasSize(3).allSatisfy(id -> assertThat(outboxRows(id)).isZero());
        SendReceipt after = sender.send(order("ob-2-after"), this::insertOrder, "ob-2-after");
        await().atMost(PATIENCE).until(() -> consumer.count(after.transactionId()) == 1);
        ids.forEach(id -> assertThat(consumer.count(id)).isZero());
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWritten() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults());
        long rowsBefore = db.queryLong("SELECT COUNT(*) FROM txmsg_outbox");
        AtomicBoolean executed = new AtomicBoolean();
        List<TxMessage> bad = List.of(
            TxMessage.builder("bad topic!").body(new byte[] {1}).build(),
            TxMessage.builder(topic).property("TXMSG_LOG", "forged").body(new byte[] {1}).build(),
            TxMessage.builder(topic).property("DELAY", "3").body(new byte[] {1}).build(),
            TxMessage.builder(topic).key("two words").body(new byte[] {1}).build(),
            TxMessage.builder(topic).body(new byte[5 * 1024 * 1024]).build());
        for (TxMessage message : bad) {
            assertThatThrownBy(() -> sender.send(List.of(order("ob-bad"), message), (ctx, id) -> executed.set(true), "ob-bad"))
                .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> sender.send(order("ob-bad-added"), (ctx, id) -> {
            insertOrder(ctx, id);
            ctx.addMessage(bad.get(0)); // refused: the executor does not catch it, so the transaction rolls back
        }, "ob-bad-added")).isInstanceOf(IllegalArgumentException.class);

        assertThat(executed).isFalse();
        assertThat(orderExists("ob-bad-added")).isFalse();
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_outbox")).isEqualTo(rowsBefore);
    }

    // ---- several messages

    @Test
    void everyMessageOfATransactionIsPublishedAndAMessageUndoneByASavepointIsNot() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults());
        AtomicReference<String> undone = new AtomicReference<>();

        List<SendReceipt> receipts = sender.send(List.of(order("ob-3"), order("ob-3-audit")), (ctx, id) -> {
            insertOrder(ctx, id);
            ctx.addMessage(order("ob-3-stock"));
            Connection c = ctx.connection();
            Savepoint savepoint = c.setSavepoint();
            undone.set(ctx.addMessage(order("ob-3-undone")));
            c.rollback(savepoint);
        }, "ob-3");

        assertThat(receipts).hasSize(4);
        assertThat(receipts).filteredOn(r -> r.transactionId().equals(undone.get()))
            .singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(TransactionState.ROLLED_BACK));
        List<SendReceipt> kept = receipts.stream().filter(r -> !r.transactionId().equals(undone.get())).toList();
        assertThat(kept).hasSize(3).allSatisfy(r -> assertThat(r.state()).isEqualTo(TransactionState.COMMITTED));
        kept.forEach(r -> await().atMost(PATIENCE).until(() -> consumer.count(r.transactionId()) == 1));
        assertThat(outboxRows(undone.get())).isZero();
        assertThat(consumer.count(undone.get())).isZero();
    }

    // ---- crashes

    @Test
    void whatADeadProcessCommittedIsPublishedByAnotherInstance() {
        AtomicInteger attempts = new AtomicInteger();
        OutboxUnderTest dying = outbox(OutboxSpec.defaults().withInterceptor((t, messages, real) -> {
            attempts.incrementAndGet();
            throw new RemotingConnectException("injected: the broker is unreachable from the dying instance");
        }));
        SendReceipt receipt = dying.send(order("ob-4"), this::insertOrder, "ob-4");
        await().atMost(PATIENCE).until(() -> attempts.get() > 0); // it tried, and failed
        dying.kill();
        assertThat(outboxRows(receipt.transactionId())).isEqualTo(1);
        assertThat(consumer.count(receipt.transactionId())).isZero();

        OutboxUnderTest restarted = outbox(OutboxSpec.defaults());

        await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) == 1);
        await().atMost(PATIENCE).until(() -> restarted.partitions().size() == 4); // the dead one's leases ran out
    }

    @Test
    void aRelayThatDiesAfterPublishingAndBeforeDeletingPublishesAgainAndTheConsumerAppliesOnce() {
        AtomicInteger applied = new AtomicInteger();
        ConsumersUnderTest consumers = harness().consumers(new ConsumerSpec(mq.nameServerAddress(), db.dataSource(),
            List.of(Subscription.of("applier-" + group, topic, (message, context) -> applied.incrementAndGet())),
            new SimpleMeterRegistry()));
        closeables.add(consumers);
        AtomicBoolean lostOnce = new AtomicBoolean();
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withInterceptor((t, messages, real) -> {
            real.run();
            if (lostOnce.compareAndSet(false, true)) {
                throw new RemotingTimeoutException("injected: the broker's answer was lost after it stored the batch");
            }
        }));

        SendReceipt receipt = sender.send(order("ob-5"), this::insertOrder, "ob-5");

        await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) == 2); // published twice
        await().atMost(PATIENCE).until(() -> outboxRows(receipt.transactionId()) == 0);
        await().atMost(PATIENCE).until(() -> consumers.isConsumed("applier-" + group, topic, receipt.transactionId()));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> applied.get() == 1);
    }

    // ---- order and several relays

    @Test
    void messagesOfAKeyArriveInCommitOrderWithTwoRelaysAndOneOfThemKilledMidway() throws Exception {
        db.execute("CREATE TABLE IF NOT EXISTS key_counter (k VARCHAR(64) PRIMARY KEY, n INT NOT NULL)");
        List<String> keys = List.of("k1-" + group, "k2-" + group, "k3-" + group);
        keys.forEach(k -> db.execute("INSERT INTO key_counter (k, n) VALUES ('" + k + "', 0)"));
        OrderedCollector ordered = new OrderedCollector(mq.nameServerAddress(), "ordered-" + group, topic);
        closeables.add(ordered);
        OutboxUnderTest a = outbox(OutboxSpec.defaults());
        OutboxUnderTest b = outbox(OutboxSpec.defaults().withInterceptor((t, messages, real) -> {
            Thread.sleep(20); // a slower relay: it is killed with batches under way
            real.run();
        }));
        await().atMost(PATIENCE).until(() -> a.partitions().size() == 2 && b.partitions().size() == 2);
        int perKey = 40;
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < perKey * keys.size(); i++) {
                String key = keys.get(i % keys.size());
                sends.add(pool.submit(() -> a.send(order("seq-" + key + "-" + System.nanoTime()), (ctx, id) -> {
                    int n = increment(ctx, key); // the key's row lock orders the transactions of the key
                    ctx.addMessage(keyed(key, Integer.toString(n)));
                }, null)));
                if (i == perKey * keys.size() / 2) {
                    await().atMost(PATIENCE).until(() -> b.published() > 0);
                    b.kill(); // its partitions go to a when their leases run out, mid-run
                }
            }
            for (Future<?> f : sends) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> expected = IntStream.rangeClosed(1, perKey).mapToObj(Integer::toString).toList();
        for (String key : keys) {
            // at least once: a copy may follow a kill; the first arrival of each message is in order
            await().atMost(PATIENCE).until(() -> ordered.bodies(key).stream().distinct().count() >= perKey);
            assertThat(ordered.bodies(key).stream().distinct().toList()).as("messages of %s, in arrival order", key)
                .isEqualTo(expected);
        }
        await().atMost(PATIENCE).until(() -> a.partitions().size() == 4);
    }

    @Test
    void aRelayThatJoinsUnderLoadGetsItsShareOfThePartitions() throws Exception {
        OutboxUnderTest a = outbox(OutboxSpec.defaults().withInterceptor((t, messages, real) -> {
            Thread.sleep(300); // a busy relay: its batches hold their lease rows most of the time
            real.run();
        }));
        await().atMost(PATIENCE).until(() -> a.partitions().size() == 4);
        AtomicBoolean stop = new AtomicBoolean();
        List<String> ids = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            for (int i = 0; !stop.get() && i < 2000; i++) {
                ids.add(a.send(order("ob-load-" + i), this::insertOrder, "ob-load-" + i).transactionId());
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // a steady load of about 200 sends/s, not a flood
            }
        }, "outbox-load");
        load.start();
        try {
            OutboxUnderTest b = outbox(OutboxSpec.defaults());
            // within a few heartbeats (every 0.67 s): a stops claiming what it gives back, so the rows are free at its next beat
            await().atMost(Duration.ofSeconds(10)).until(() -> b.partitions().size() == 2 && a.partitions().size() == 2);
            await().atMost(PATIENCE).until(() -> b.published() > 0);
        } finally {
            stop.set(true);
            load.join(30_000);
        }
        ids.forEach(id -> await().atMost(PATIENCE).until(() -> consumer.count(id) >= 1));
    }

    @Test
    void anErrorThrownWhilePublishingReleasesThePartitionAndTheMessageIsPublishedLater() {
        AtomicBoolean thrown = new AtomicBoolean();
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withPartitions(1).withInterceptor((t, messages, real) -> {
            if (thrown.compareAndSet(false, true)) {
                throw new AssertionError("injected: an Error in the middle of a publication");
            }
            real.run();
        }));

        SendReceipt receipt = sender.send(order("ob-err"), this::insertOrder, "ob-err");

        await().atMost(PATIENCE).until(() -> consumer.count(receipt.transactionId()) >= 1);
        assertThat(thrown).isTrue();
        sender.close(); // frees the partition at once: its lease row must not be locked by a leaked claim
        OutboxUnderTest next = outbox(OutboxSpec.defaults().withPartitions(1));
        SendReceipt after = next.send(order("ob-err-2"), this::insertOrder, "ob-err-2");
        await().atMost(PATIENCE).until(() -> consumer.count(after.transactionId()) == 1);
    }

    @Test
    void fewerPartitionsThanTheWaitingMessagesWereWrittenWithFailStartUpSayingWhatToDo() {
        OutboxUnderTest eight = outbox(OutboxSpec.defaults().withPartitions(8).withInterceptor((t, messages, real) -> {
            throw new RemotingConnectException("injected: the broker is unreachable");
        }));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            ids.add(eight.send(order("ob-p-" + i), this::insertOrder, "ob-p-" + i).transactionId());
        }
        eight.close();

        assertThatThrownBy(() -> outbox(OutboxSpec.defaults().withPartitions(2)))
            .hasMessageContaining("txmsg.outbox.partitions is 2").hasMessageContaining("no relay would publish them");

        outbox(OutboxSpec.defaults().withPartitions(8));
        ids.forEach(id -> await().atMost(PATIENCE).until(() -> consumer.count(id) == 1));
    }

    private static int increment(TransactionContext ctx, String key) throws java.sql.SQLException {
        try (PreparedStatement s = ctx.connection().prepareStatement("UPDATE key_counter SET n = n + 1 WHERE k = ?")) {
            s.setString(1, key);
            s.executeUpdate();
        }
        try (PreparedStatement s = ctx.connection().prepareStatement("SELECT n FROM key_counter WHERE k = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void whenOneOfTwoRelaysIsKilledTheOtherTakesItsPartitionsOverAndPublishesEverything() {
        OutboxUnderTest a = outbox(OutboxSpec.defaults());
        OutboxUnderTest b = outbox(OutboxSpec.defaults());
        await().atMost(PATIENCE).until(() -> a.partitions().size() == 2 && b.partitions().size() == 2);

        a.kill(); // its leases stay until they run out
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(b.send(order("ob-k-" + i), this::insertOrder, "ob-k-" + i).transactionId());
        }

        ids.forEach(id -> await().atMost(PATIENCE).until(() -> consumer.count(id) == 1));
        assertThat(b.partitions()).hasSize(4);
    }

    // ---- failures

    @Test
    void aMessageTheBrokerRefusesWaitsForAnOperatorAndHoldsBackItsKeyOnly() {
        AtomicBoolean refusing = new AtomicBoolean(true);
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withPartitions(1).withMaxAttempts(2)
            .withInterceptor((t, messages, real) -> {
                if (refusing.get() && messages.stream().anyMatch(OutboxAcceptanceTest::poisoned)) {
                    throw new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "injected: the broker refuses the message");
                }
                real.run();
            }));
        String key = "held-" + group;
        String poison = sender.send(poisoned(key, "1"), (ctx, a) -> { }, null).transactionId();
        String later = sender.send(keyed(key, "2"), (ctx, a) -> { }, null).transactionId();
        String otherKey = sender.send(keyed("free-" + group, "x"), (ctx, a) -> { }, null).transactionId();

        await().atMost(PATIENCE).until(() -> consumer.count(otherKey) == 1);
        await().atMost(PATIENCE).until(() -> status(sender, poison) == OutboxMessage.Status.FAILED);
        OutboxMessage failed = sender.operations().outbox(Query.all()).stream()
            .filter(m -> m.transactionId().equals(poison)).findFirst().orElseThrow();
        assertThat(failed.cause()).contains("injected: the broker refuses the message");
        assertThat(failed.attempts()).isEqualTo(2);
        assertThat(failed.keys()).containsExactly(key);
        assertThat(sender.operations().outboxFailedCount()).isEqualTo(1);
        String afterTheFailure = sender.send(keyed("free2-" + group, "y"), (ctx, a) -> { }, null).transactionId();
        await().atMost(PATIENCE).until(() -> consumer.count(afterTheFailure) == 1); // the partition goes on
        assertThat(status(sender, later)).as("held back behind its key's failed message").isEqualTo(OutboxMessage.Status.PENDING);
        assertThat(consumer.count(later)).isZero();

        refusing.set(false); // the cause is fixed
        ReplayResult replayed = sender.operations().replayOutbox(poison);

        assertThat(replayed.outcome()).isEqualTo(ReplayResult.Outcome.APPLIED);
        await().atMost(PATIENCE).until(() -> consumer.count(poison) == 1 && consumer.count(later) == 1);
        assertThat(sender.operations().replayOutbox(poison).outcome()).isEqualTo(ReplayResult.Outcome.NOT_PENDING);
        assertThat(sender.operations().outboxFailedCount()).isZero();
    }

    @Test
    void aDiscardedMessageIsNeverPublishedAndReleasesItsKey() {
        OutboxUnderTest sender = outbox(OutboxSpec.defaults().withPartitions(1).withMaxAttempts(1)
            .withInterceptor((t, messages, real) -> {
                if (messages.stream().anyMatch(OutboxAcceptanceTest::poisoned)) {
                    throw new MQBrokerException(ResponseCode.MESSAGE_ILLEGAL, "injected: the broker refuses the message");
                }
                real.run();
            }));
        String key = "discard-" + group;
        String poison = sender.send(poisoned(key, "1"), (ctx, a) -> { }, null).transactionId();
        String later = sender.send(keyed(key, "2"), (ctx, a) -> { }, null).transactionId();
        await().atMost(PATIENCE).until(() -> status(sender, poison) == OutboxMessage.Status.FAILED);

        assertThatThrownBy(() -> sender.operations().discardOutbox(poison, " ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(sender.operations().discardOutbox(poison, "the order was cancelled by hand")).isTrue();

        await().atMost(PATIENCE).until(() -> consumer.count(later) == 1);
        assertThat(consumer.count(poison)).isZero();
        assertThat(status(sender, poison)).isEqualTo(OutboxMessage.Status.DISCARDED);
        assertThat(sender.operations().outbox(Query.all()).stream().filter(m -> m.transactionId().equals(poison))
            .findFirst().orElseThrow().resolution()).contains("the order was cancelled by hand");
        assertThat(sender.operations().discardOutbox(poison, "again")).isFalse();
    }

    private static boolean poisoned(Message m) {
        return "poison".equals(m.getUserProperty("kind"));
    }

    private TxMessage poisoned(String key, String body) {
        return TxMessage.builder(topic).key(key).property("kind", "poison").body(body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static OutboxMessage.Status status(OutboxUnderTest sender, String txId) {
        return sender.operations().outbox(Query.all()).stream().filter(m -> m.transactionId().equals(txId))
            .map(OutboxMessage::status).findFirst().orElse(null);
    }

    // ---- switching modes

    @Test
    void halfMessagesSentBeforeASwitchToOutboxModeAreSettledByTheOutboxInstance() {
        EndDropper lost = new EndDropper();
        lost.dropAll();
        AtomicReference<dev.txmsg.acceptance.support.RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest halfMode = sender(checks, lost);
        String txId = halfMode.send(order("ob-sw-1"), this::insertOrder, "ob-sw-1").transactionId();
        await().atMost(PATIENCE).until(() -> lost.lost() == 1);
        halfMode.close(); // redeployed in outbox mode: the end was never heard

        outbox(OutboxSpec.defaults()); // the same producer group, now in outbox mode, sending nothing

        await().atMost(PATIENCE).until(() -> consumer.count(txId) == 1);
    }

    @Test
    void outboxMessagesLeftBeforeASwitchToHalfMessageModeArePublishedByTheHalfModeInstance() {
        OutboxUnderTest outboxMode = outbox(OutboxSpec.defaults().withInterceptor((t, messages, real) -> {
            throw new RemotingConnectException("injected: the broker is unreachable before the switch");
        }));
        String txId = outboxMode.send(order("ob-sw-2"), this::insertOrder, "ob-sw-2").transactionId();
        outboxMode.close(); // redeployed in half-message mode with its message still in the outbox
        assertThat(outboxRows(txId)).isEqualTo(1);

        SenderUnderTest halfMode = sender(new AtomicReference<>());
        String afterSwitch = halfMode.send(order("ob-sw-3"), this::insertOrder, "ob-sw-3").transactionId();

        await().atMost(PATIENCE).until(() -> consumer.count(txId) == 1 && consumer.count(afterSwitch) == 1);
        await().atMost(PATIENCE).until(() -> outboxRows(txId) == 0);
    }
}
