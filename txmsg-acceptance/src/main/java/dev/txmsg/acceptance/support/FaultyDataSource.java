package dev.txmsg.acceptance.support;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * Wraps a real DataSource and injects faults on cue, never replacing the database: the real
 * connection does the work, the wrapper fails or delays around it.
 * <ul>
 * <li>{@link #down(boolean)}: new connections fail, as when the database is unreachable;</li>
 * <li>{@link #failNextCommitOnThisThread(CommitFault)}: the next commit on this thread commits and
 *     then throws (the outcome was committed, the caller cannot know), or throws without committing
 *     and closes the connection (the database rolls back);</li>
 * <li>{@link #holdNextConnectionOn(Thread)}: that thread's next {@code getConnection} waits until
 *     {@link Hold#release()}, as with a slow pool or a long GC pause;</li>
 * <li>{@link #failNextStatementContaining(String)}: the next statement prepared, on any thread,
 *     whose SQL contains the text fails, as when the connection is lost just before it.</li>
 * </ul>
 */
public final class FaultyDataSource implements DataSource {

    /** What a failed commit really did. */
    public enum CommitFault {
        /** The commit reached the database; the connection failed before the answer. */
        COMMIT_THEN_THROW,
        /** The connection failed before the commit; the database rolls back. */
        THROW_WITHOUT_COMMIT
    }

    private final DataSource real;
    private volatile boolean down;
    private final ThreadLocal<CommitFault> commitFault = new ThreadLocal<>();
    private volatile Thread heldThread;
    private volatile CountDownLatch hold;
    private final java.util.concurrent.atomic.AtomicReference<String> failStatement = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> takenBy = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Map<Thread, Connection> lastTaken = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    public FaultyDataSource(DataSource real) {
        this.real = real;
    }

    /** Makes new connections fail (true) or work again (false). */
    public void down(boolean down) {
        this.down = down;
    }

    /** Fails the next commit of the calling thread. */
    public void failNextCommitOnThisThread(CommitFault fault) {
        commitFault.set(fault);
    }

    /** Fails the next statement (on any thread) whose SQL contains {@code sql}, once. */
    public void failNextStatementContaining(String sql) {
        failStatement.set(sql);
    }

    /** Holds {@code thread}'s next connection request until the hold is released. */
    public Hold holdNextConnectionOn(Thread thread) {
        CountDownLatch latch = new CountDownLatch(1);
        this.hold = latch;
        this.heldThread = thread;
        return () -> latch.countDown();
    }

    /** Releases a held connection request. */
    @FunctionalInterface
    public interface Hold {
        void release();
    }

    /** The last connection {@code thread} took, or null. */
    public Connection lastConnectionOf(Thread thread) {
        return lastTaken.get(thread);
    }

    /** How many connections threads whose name starts with {@code prefix} took so far. */
    public int connectionsTakenOnThreads(String prefix) {
        return takenBy.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToInt(e -> e.getValue().get()).sum();
    }

    @Override
    public Connection getConnection() throws SQLException {
        takenBy.computeIfAbsent(Thread.currentThread().getName(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        awaitHold();
        if (down) {
            throw new SQLTransientConnectionException("injected: database unreachable");
        }
        Connection c = wrap(real.getConnection());
        lastTaken.put(Thread.currentThread(), c);
        return c;
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        awaitHold();
        if (down) {
            throw new SQLTransientConnectionException("injected: database unreachable");
        }
        return wrap(real.getConnection(username, password));
    }

    private void awaitHold() throws SQLException {
        if (Thread.currentThread() == heldThread) {
            heldThread = null;
            try {
                if (!hold.await(60, TimeUnit.SECONDS)) {
                    throw new SQLException("held connection request was never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while held", e);
            }
        }
    }

    private Connection wrap(Connection c) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("commit") && method.getParameterCount() == 0) {
                CommitFault fault = commitFault.get();
                if (fault != null) {
                    commitFault.remove();
                    if (fault == CommitFault.COMMIT_THEN_THROW) {
                        c.commit();
                    } else {
                        c.rollback();
                    }
                    throw new SQLTransientConnectionException("injected: connection lost during COMMIT (" + fault + ")");
                }
            }
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                String armed = failStatement.get();
                if (armed != null && sql.contains(armed) && failStatement.compareAndSet(armed, null)) {
                    throw new SQLTransientConnectionException("injected: connection lost before " + armed);
                }
            }
            if (method.getName().equals("unwrap") && args != null && args[0] == Connection.class) {
                return c;
            }
            try {
                return method.invoke(c, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return real.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        real.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        real.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return real.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
        return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : real.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || real.isWrapperFor(iface);
    }
}
