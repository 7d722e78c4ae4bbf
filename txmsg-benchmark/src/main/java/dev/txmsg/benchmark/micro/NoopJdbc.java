package dev.txmsg.benchmark.micro;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * A JDBC connection whose statements do nothing and report one row changed: it takes the database
 * round trip out of the per-send work, so that what remains is txmsg's own code (MyBatis's statement
 * handling included). For measurement only, never for tests of behaviour.
 */
final class NoopJdbc {

    private NoopJdbc() {
    }

    static Connection connection() {
        PreparedStatement statement = (PreparedStatement) Proxy.newProxyInstance(NoopJdbc.class.getClassLoader(),
            new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> switch (method.getName()) {
                case "execute" -> false;
                case "executeUpdate", "getUpdateCount" -> 1;
                case "getMoreResults" -> false;
                case "getResultSet", "getGeneratedKeys", "getWarnings" -> null;
                case "isClosed" -> false;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> defaultOf(method.getReturnType());
            });
        return (Connection) Proxy.newProxyInstance(NoopJdbc.class.getClassLoader(), new Class<?>[] {Connection.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "prepareStatement" -> statement;
                case "getAutoCommit" -> false;
                case "isClosed" -> false;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> defaultOf(method.getReturnType());
            });
    }

    private static Object defaultOf(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
