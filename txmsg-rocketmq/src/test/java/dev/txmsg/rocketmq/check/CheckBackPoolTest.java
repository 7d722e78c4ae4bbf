package dev.txmsg.rocketmq.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.txmsg.rocketmq.metrics.TxMsgMetrics;

class CheckBackPoolTest {

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingTheCaller() throws Exception {
        TxMsgMetrics metrics = TxMsgMetrics.standalone("g");
        ThreadPoolExecutor pool = CheckBackPool.create("g", 2, 3, metrics);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        Runnable check = () -> {
            try {
                release.await();
                ran.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };

        for (int i = 0; i < 10; i++) {
            pool.submit(check); // as RocketMQ's client does, from its remoting thread
        }
        release.countDown();

        await().until(() -> ran.get() == 5);
        assertThat(metrics.registry().counter("txmsg.checkback.dropped", "group", "g").count()).isEqualTo(5);
        assertThat(pool.getActiveCount() + pool.getQueue().size()).isZero();
        pool.shutdown();
    }

    @Test
    void threadsAreNamedForTheGroupAndDoNotKeepTheJvmAlive() throws Exception {
        ThreadPoolExecutor pool = CheckBackPool.create("orders", 1, 1, TxMsgMetrics.standalone("orders"));
        Thread[] seen = new Thread[1];
        pool.submit(() -> seen[0] = Thread.currentThread()).get();
        assertThat(seen[0].getName()).isEqualTo("txmsg-checkback-orders-1");
        assertThat(seen[0].isDaemon()).isTrue();
        pool.shutdown();
    }
}
