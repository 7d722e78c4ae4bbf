package dev.txmsg.faults.agent;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's DataSource, with connections that watch for the armed fault: a commit of a
 * transaction that ran the marker SQL (kill before or after it), check-back threads whose
 * connection another connection kills with {@code KILL <id>} while they use it, and no connection
 * at all while the database is armed unreachable.
 */
final class FaultyDataSource extends DelegatingDataSource {

    private final Faults faults;

    FaultyDataSource(DataSource real, Faults faults) {
        super(real);
        this.faults = faults;
    }

    @Override
    public Connection getConnection() throws SQLException {
        unreachable();
        return watch(super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        unreachable();
        return watch(super.getConnection(username, password));
    }

    private void unreachable() throws SQLException {
        if (faults.holds(Fault.DATABASE_UNREACHABLE)) {
            throw new java.sql.SQLTransientConnectionException("txmsg-faults: the database is unreachable");
        }
    }

    private Connection watch(Connection real) throws SQLException {
        if (Thread.currentThread().getName().startsWith("txmsg-checkback-") && faults.strikes(Fault.KILL_CHECK_BACK_CONNECTIONS)) {
            killSoon(real);
        }
        boolean[] marked = {false};
        return (Connection) Proxy.newProxyInstance(FaultyDataSource.class.getClassLoader(), new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
                String name = method.getName();
                if ((name.equals("prepareStatement") || name.equals("prepareCall")) && args != null && args[0] instanceof String sql
                    && (faults.marks(Fault.KILL_BEFORE_COMMIT, sql) || faults.marks(Fault.KILL_AFTER_COMMIT, sql))) {
                    marked[0] = true;
                }
                if (name.equals("commit") && marked[0]) {
                    marked[0] = false;
                    faults.occurrence(Fault.KILL_BEFORE_COMMIT);
                    real.commit();
                    faults.occurrence(Fault.KILL_AFTER_COMMIT);
                    return null;
                }
                if (name.equals("rollback") && (args == null || args.length == 0)) {
                    marked[0] = false;
                }
                if (name.equals("unwrap") && args != null && args[0] == Connection.class) {
                    return real;
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    /** Kills {@code victim}'s database session from another connection, a few milliseconds from now. */
    private void killSoon(Connection victim) throws SQLException {
        long id;
        boolean postgres = victim.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgresql");
        try (Statement s = victim.createStatement();
             ResultSet rs = s.executeQuery(postgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")) {
            rs.next();
            id = rs.getLong(1);
        }
        long delayMillis = ThreadLocalRandom.current().nextLong(0, 15);
        CompletableFuture.runAsync(() -> {
            try (Connection killer = getTargetDataSource().getConnection(); Statement s = killer.createStatement()) {
                s.execute(postgres ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
                System.err.println("txmsg-faults: killed check-back connection " + id);
            } catch (SQLException e) {
                System.err.println("txmsg-faults: could not kill connection " + id + ": " + e.getMessage());
            }
        }, CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS));
    }
}
