package dev.txmsg.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.txmsg.api.HalfMessageNotSentException;
import dev.txmsg.api.LogRowNotWrittenException;
import dev.txmsg.api.SendReceipt;
import dev.txmsg.api.TransactionContext;
import dev.txmsg.api.TransactionOutcomeUnknownException;
import dev.txmsg.api.TransactionState;
import dev.txmsg.api.TxMessage;
import dev.txmsg.api.spi.LogEntry;
import dev.txmsg.api.spi.TransactionLog;
import dev.txmsg.acceptance.support.BrokerRefusal;
import dev.txmsg.acceptance.support.CollectingConsumer;
import dev.txmsg.acceptance.support.FaultyDataSource.CommitFault;
import dev.txmsg.acceptance.support.RecordingCheckListener;
import dev.txmsg.acceptance.support.SendRequests;

/**
 * Several messages from one local transaction: an order created, stock reserved and a coupon used,
 * announced together — all of them or none, each with its own id, whatever fails and wherever the
 * process dies.
 */
public abstract class SeveralMessagesAcceptanceTest extends SendFixture {

    @Test
    void everyMessageOfACommittedTransactionIsDeliveredOnceWithItsOwnId() {
        SenderUnderTest sender = sender(new AtomicReference<>());

        List<SendReceipt> receipts = sender.send(threeEvents("s-1"), this::insertOrder, "s-1");

        assertThat(receipts).hasSize(3).allSatisfy(r -> {
            assertThat(r.state()).isEqualTo(TransactionState.COMMITTED);
            assertThat(r.topic()).isEqualTo(topic);
        });
        List<String> ids = receipts.stream().map(SendReceipt::transactionId).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(orderExists("s-1")).isTrue();
        ids.forEach(id -> assertThat(logState(id)).as("log row of " + id).isEqualTo("COMMITTED"));
        await().atMost(PATIENCE).until(() -> ids.stream().allMatch(id -> consumer.count(id) == 1));
        assertThat(ids.stream().map(consumer::tag).toList()).as("tags, in the order given")
            .containsExactly("ORDER_CREATED", "STOCK_RESERVED", "COUPON_USED");
        assertThat(sender.meters().counter("txmsg.send", "group", group, "outcome", "committed").count()).as("transactions")
            .isEqualTo(1);
        assertThat(sender.meters().counter("txmsg.send.messages", "group", group, "outcome", "committed").count()).as("messages")
            .isEqualTo(3);
    }

    @Test
    void noMessageOfARolledBackTransactionIsEverDelivered() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<List<String>> ids = new AtomicReference<>();
        IllegalStateException boom = new IllegalStateException("out of stock");

        Throwable thrown = catchThrowable(() -> sender.send(threeEvents("s-2"), (ctx, id) -> {
            ids.set(ctx.transactionIds());
            insertOrder(ctx, id);
            throw boom;
        }, "s-2"));

        assertThat(thrown).isSameAs(boom);
        assertThat(ids.get()).hasSize(3);
        assertThat(orderExists("s-2")).isFalse();
        ids.get().forEach(id -> assertThat(logState(id)).isNull());
        ids.get().forEach(this::assertNeverDelivered);
    }

    @Test
    void messagesAddedByTheExecutorAreDeliveredWithTheOthers() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<List<String>> seen = new AtomicReference<>();

        List<SendReceipt> receipts = sender.send(List.of(event("s-3", "ORDER_CREATED")), (ctx, id) -> {
            insertOrder(ctx, id);
            reserveStock(ctx, id); // code the executor calls publishes what it finds on the way
            seen.set(ctx.transactionIds());
        }, "s-3");

        assertThat(receipts).extracting(SendReceipt::transactionId).containsExactlyElementsOf(seen.get());
        assertThat(receipts).hasSize(3);
        await().atMost(PATIENCE).until(() -> receipts.stream().allMatch(r -> consumer.count(r.transactionId()) == 1));
        assertThat(receipts.stream().map(r -> consumer.tag(r.transactionId())).toList())
            .containsExactly("ORDER_CREATED", "STOCK_RESERVED", "STOCK_RESERVED");
    }

    @Test
    void aMessageAddedToATransactionThatRollsBackIsNeverDelivered() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<String> added = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> sender.send(event("s-4", "ORDER_CREATED"), (ctx, id) -> {
            insertOrder(ctx, id);
            added.set(ctx.addMessage(event(id, "STOCK_RESERVED")));
            throw new IllegalStateException("payment declined");
        }, "s-4"));

        assertThat(thrown).hasMessage("payment declined");
        assertThat(added.get()).isNotNull();
        assertThat(logState(added.get())).isNull();
        assertNeverDelivered(added.get());
    }

    @Test
    void aProcessThatDiesBeforeItsCommitLeavesEveryMessageFencedAndNoneDelivered() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);

        List<String> ids = sendSeveralExpectingUnknown(sender, "s-5", CommitFault.THROW_WITHOUT_COMMIT);

        for (String id : ids) {
            await().atMost(PATIENCE).until(() -> checks.get().answered(id, TransactionState.ROLLED_BACK));
            assertThat(logState(id)).as("fenced row of " + id).isEqualTo("ROLLED_BACK");
        }
        assertThat(orderExists("s-5")).isFalse();
        ids.forEach(this::assertNeverDelivered);
    }

    @Test
    void aProcessThatDiesAfterItsCommitHasEveryMessageDeliveredByTheCheckBacks() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);

        List<String> ids = sendSeveralExpectingUnknown(sender, "s-6", CommitFault.COMMIT_THEN_THROW);

        for (String id : ids) {
            await().atMost(PATIENCE).until(() -> consumer.count(id) >= 1);
            assertThat(checks.get().answered(id, TransactionState.COMMITTED)).as("check-back of " + id).isTrue();
        }
        assertThat(orderExists("s-6")).isTrue();
    }

    @Test
    void aMessageTheBrokerRefusesInTheMiddleRollsBackTheWholeTransaction() {
        String refusedTopic = topic + "-refused";
        mq.createTopic(refusedTopic, 2);
        CollectingConsumer refusedConsumer = new CollectingConsumer(mq.nameServerAddress(), group + "-refused", refusedTopic);
        closeables.add(refusedConsumer);
        BrokerRefusal refusal = new BrokerRefusal(refusedTopic);
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withHook(refusal).withTopics(List.of(topic, refusedTopic)));
        AtomicReference<List<String>> ids = new AtomicReference<>();
        List<TxMessage> batch = List.of(event("s-7", "ORDER_CREATED"),
            TxMessage.builder(refusedTopic).tag("STOCK_RESERVED").key("s-7").body(body("s-7")).build(),
            event("s-7", "COUPON_USED"));

        Throwable thrown = catchThrowable(() -> sender.send(batch, (ctx, id) -> {
            ids.set(ctx.transactionIds());
            insertOrder(ctx, id);
        }, "s-7"));

        assertThat(thrown).isInstanceOf(HalfMessageNotSentException.class);
        assertThat(refusal.refused()).isPositive();
        assertThat(orderExists("s-7")).as("the order of the rolled-back transaction").isFalse();
        if (ids.get() != null) { // the executor ran: the refusal came while the half sends overlapped it
            ids.get().forEach(id -> assertThat(logState(id)).isIn(null, "ROLLED_BACK"));
        }
        // The broker stored the refused half before it answered with an error: its check-back must not commit it.
        await().during(CHECK_WINDOW).atMost(CHECK_WINDOW.plusSeconds(5))
            .until(() -> consumer.delivered().isEmpty() && refusedConsumer.delivered().isEmpty());
    }

    @Test
    void aMessageAddedInsideASavepointThatRollsBackIsRolledBackWithItWhileTheRestCommits() {
        AtomicReference<RecordingCheckListener> checks = new AtomicReference<>();
        SenderUnderTest sender = sender(checks);

        List<SendReceipt> receipts = sender.send(List.of(event("s-8", "ORDER_CREATED")), (ctx, id) -> {
            insertOrder(ctx, id);
            Savepoint couponWork = ctx.connection().setSavepoint();
            ctx.addMessage(event(id, "COUPON_USED"));
            ctx.connection().rollback(couponWork); // the coupon turned out to be spent: its work is undone, the order stays
            ctx.addMessage(event(id, "STOCK_RESERVED"));
        }, "s-8");

        assertThat(receipts).extracting(SendReceipt::state)
            .containsExactly(TransactionState.COMMITTED, TransactionState.ROLLED_BACK, TransactionState.COMMITTED);
        String order = receipts.get(0).transactionId();
        String coupon = receipts.get(1).transactionId();
        String stock = receipts.get(2).transactionId();
        assertThat(orderExists("s-8")).isTrue();
        assertThat(logState(order)).isEqualTo("COMMITTED");
        assertThat(logState(stock)).as("an added message's row").isEqualTo("COMMITTED");
        assertThat(logState(coupon)).as("the row the savepoint undid").isNull();
        await().atMost(PATIENCE).until(() -> consumer.count(order) == 1 && consumer.count(stock) == 1);
        assertNeverDelivered(coupon);
        assertThat(checks.get().started(coupon)).as("check-backs of the rolled-back message (it was ended at once)").isFalse();
    }

    @Test
    void anAddedMessageTheBrokerRefusesRollsTheTransactionBack() {
        String refusedTopic = topic + "-refused";
        mq.createTopic(refusedTopic, 2);
        BrokerRefusal refusal = new BrokerRefusal(refusedTopic);
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withHook(refusal).withTopics(List.of(topic, refusedTopic)));
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<Throwable> caught = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> sender.send(event("s-9", "ORDER_CREATED"), (ctx, id) -> {
            first.set(ctx.transactionId());
            insertOrder(ctx, id);
            try {
                ctx.addMessage(TxMessage.builder(refusedTopic).tag("STOCK_RESERVED").key(id).body(body(id)).build());
            } catch (RuntimeException e) {
                caught.set(e); // the refusal may come at once or later, while the half send overlaps the executor
            }
        }, "s-9"));

        assertThat(thrown).isInstanceOf(HalfMessageNotSentException.class);
        if (caught.get() != null) {
            assertThat(thrown).as("the send fails with the added message's failure").isSameAs(caught.get());
        }
        assertThat(refusal.refused()).isPositive();
        assertThat(orderExists("s-9")).isFalse();
        assertThat(logState(first.get())).isNull();
        assertNeverDelivered(first.get());
    }

    @Test
    void anAddedMessageWhoseLogRowFailsRollsTheTransactionBackEvenIfTheExecutorCatchesTheFailure() {
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults,
            spec -> spec.withLog(new AddedRowsFail(harness().transactionLog(faults, java.time.Duration.ofSeconds(5)))));
        AtomicReference<String> first = new AtomicReference<>();
        AtomicReference<Throwable> caught = new AtomicReference<>();

        Throwable thrown = catchThrowable(() -> sender.send(event("s-12", "ORDER_CREATED"), (ctx, id) -> {
            first.set(ctx.transactionId());
            insertOrder(ctx, id);
            try {
                ctx.addMessage(event(id, "STOCK_RESERVED"));
            } catch (RuntimeException e) {
                caught.set(e); // the executor swallows it and goes on
            }
        }, "s-12"));

        assertThat(caught.get()).isInstanceOf(LogRowNotWrittenException.class);
        assertThat(thrown).as("the send fails with the added message's failure").isSameAs(caught.get());
        assertThat(orderExists("s-12")).isFalse();
        assertThat(logState(first.get())).isNull();
        assertNeverDelivered(first.get());
    }

    @Test
    void aMessageCannotBeAddedOnceTheExecutorHasReturned() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<TransactionContext> kept = new AtomicReference<>();

        List<SendReceipt> receipts = sender.send(List.of(event("s-10", "ORDER_CREATED")), (ctx, id) -> {
            insertOrder(ctx, id);
            kept.set(ctx);
        }, "s-10");

        assertThatThrownBy(() -> kept.get().addMessage(event("s-10", "STOCK_RESERVED")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended its executor");
        assertThat(kept.get().transactionIds()).containsExactly(receipts.get(0).transactionId());
        await().atMost(PATIENCE).until(() -> consumer.count(receipts.get(0).transactionId()) == 1);
        await().during(java.time.Duration.ofSeconds(2)).until(() -> consumer.delivered().size() == 1);
    }

    @Test
    void theExecutorAddsNoMoreThanTheMostAllowed() {
        SenderUnderTest sender = sender(new AtomicReference<>());
        AtomicReference<Throwable> refused = new AtomicReference<>();
        AtomicInteger added = new AtomicInteger();

        List<SendReceipt> receipts = sender.send(List.of(event("s-11", "ORDER_CREATED")), (ctx, id) -> {
            insertOrder(ctx, id);
            try {
                for (int i = 0; i < 100; i++) {
                    ctx.addMessage(event(id, "STOCK_RESERVED"));
                    added.incrementAndGet();
                }
            } catch (IllegalStateException e) {
                refused.set(e);
            }
        }, "s-11");

        assertThat(added).as("added before the cap of 100 (the default txmsg.send.max-messages)").hasValue(99);
        assertThat(refused.get()).hasMessageContaining("holds 100 messages").hasMessageContaining("nothing was added");
        assertThat(receipts).hasSize(100).allSatisfy(r -> assertThat(r.state()).isEqualTo(TransactionState.COMMITTED));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsWrittenOrSent() {
        AtomicInteger sends = new AtomicInteger();
        SenderUnderTest sender = sender(new AtomicReference<>(), ends, faults, spec -> spec.withHook(new SendRequests(sends)));
        AtomicBoolean executed = new AtomicBoolean();
        TxMessage badTag = TxMessage.builder(topic).tag("STOCK||RESERVED").body(body("b-0")).build(); // "||" separates tags in a subscription

        assertThatThrownBy(() -> sender.send(List.<TxMessage>of(), (ctx, id) -> executed.set(true), "b-1"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> sender.send(List.of(event("b-2", "ORDER_CREATED"), badTag), (ctx, id) -> executed.set(true), "b-2"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tag");
        assertThatThrownBy(() -> sender.send(Arrays.asList(event("b-2", "ORDER_CREATED"), null), (ctx, id) -> executed.set(true), "b-2"))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("message 1 of the list is null");
        List<TxMessage> tooMany = new ArrayList<>();
        for (int i = 0; i < 1001; i++) {
            tooMany.add(event("b-3", "ORDER_CREATED"));
        }
        assertThatThrownBy(() -> sender.send(tooMany, (ctx, id) -> executed.set(true), "b-3"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1001 messages").hasMessageContaining("at most 100 ");
        assertThatThrownBy(() -> sender.send(tooMany.subList(0, 101), (ctx, id) -> executed.set(true), "b-3"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("101 messages");
        assertThatThrownBy(() -> sender.send(event("b-4", "ORDER_CREATED"), (ctx, id) -> ctx.addMessage(badTag), "b-4"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid tag");

        assertThat(executed).as("an executor ran").isFalse();
        assertThat(sends.get()).as("messages sent to the broker (the last send's first message was rolled back)").isLessThanOrEqualTo(1);
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_tx_log WHERE topic = '" + topic + "' AND state = 'COMMITTED'"))
            .as("committed log rows").isZero();
    }

    // ---- helpers

    private List<TxMessage> threeEvents(String orderId) {
        return List.of(event(orderId, "ORDER_CREATED"), event(orderId, "STOCK_RESERVED"), event(orderId, "COUPON_USED"));
    }

    private TxMessage event(String orderId, String tag) {
        return TxMessage.builder(topic).tag(tag).key(orderId).body(body(orderId)).build();
    }

    private static byte[] body(String orderId) {
        return ("{\"orderId\":\"" + orderId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Application code the executor calls: it reserves two items and announces each. */
    private void reserveStock(TransactionContext ctx, String orderId) {
        ctx.addMessage(event(orderId, "STOCK_RESERVED"));
        ctx.addMessage(event(orderId, "STOCK_RESERVED"));
    }

    private List<String> sendSeveralExpectingUnknown(SenderUnderTest sender, String orderId, CommitFault fault) {
        AtomicReference<List<String>> ids = new AtomicReference<>();
        assertThatThrownBy(() -> sender.send(threeEvents(orderId), (ctx, id) -> {
            ids.set(ctx.transactionIds());
            insertOrder(ctx, id);
            faults.failNextCommitOnThisThread(fault);
        }, orderId)).isInstanceOf(TransactionOutcomeUnknownException.class);
        assertThat(ids.get()).hasSize(3);
        return ids.get();
    }

    /**
     * A log that writes the rows of a send's own messages (its first append on a connection) but
     * not the row of a message added later in the same transaction.
     */
    private static final class AddedRowsFail implements TransactionLog {
        private final TransactionLog real;
        private final Set<Connection> appended = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        AddedRowsFail(TransactionLog real) {
            this.real = real;
        }

        @Override
        public String identity() {
            return real.identity();
        }

        @Override
        public void append(Connection connection, String transactionId, String topic) throws SQLException {
            synchronized (appended) {
                if (appended.add(connection)) {
                    real.append(connection, transactionId, topic);
                    return;
                }
            }
            throw new SQLException("injected: the row of added message " + transactionId + " is not written", "HY000");
        }

        @Override
        public void append(Connection connection, List<LogEntry> entries) throws SQLException {
            synchronized (appended) {
                appended.add(connection);
            }
            real.append(connection, entries);
        }

        @Override
        public Set<String> written(Connection connection, Collection<String> transactionIds) throws SQLException {
            return real.written(connection, transactionIds);
        }

        @Override
        public Optional<TransactionState> find(String transactionId) throws SQLException {
            return real.find(transactionId);
        }

        @Override
        public boolean fence(String transactionId, String topic) throws SQLException {
            return real.fence(transactionId, topic);
        }

        @Override
        public int purge(java.time.Duration age, int limit) throws SQLException {
            return real.purge(age, limit);
        }
    }
}
