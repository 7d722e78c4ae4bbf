package dev.txmsg.rocketmq.check;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.txmsg.rocketmq.client.DaemonThreads;
import dev.txmsg.rocketmq.metrics.TxMsgMetrics;

/**
 * The check-back pool: threads of txmsg's own (not the client's remoting threads, which also
 * complete send callbacks) and a bounded queue. When the queue is full a check-back is counted
 * and dropped: the broker asks again at its next check.
 */
public final class CheckBackPool {

    private static final Logger LOG = LoggerFactory.getLogger(CheckBackPool.class);

    private CheckBackPool() {
    }

    /**
     * @param group         the producer group, for thread names
     * @param threads       the number of threads
     * @param queueCapacity the most check-backs waiting for a thread
     * @param metrics       where drops are counted
     */
    public static ThreadPoolExecutor create(String group, int threads, int queueCapacity, TxMsgMetrics metrics) {
        if (threads < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("the check-back pool needs at least 1 thread and a queue of at least 1, got "
                + threads + " and " + queueCapacity);
        }
        ThreadFactory factory = DaemonThreads.named("checkback-" + group);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueCapacity), factory, (r, executor) -> {
                metrics.dropped();
                LOG.debug("check-back pool of group {} is full ({} queued); dropped a check-back, the broker asks again",
                    group, queueCapacity);
            });
        pool.allowCoreThreadTimeOut(true);
        metrics.checkBackPool(pool);
        return pool;
    }
}
