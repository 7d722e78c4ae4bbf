package dev.txmsg.rocketmq.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

import javax.sql.DataSource;

import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.session.LocalCacheScope;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.managed.ManagedTransactionFactory;

/**
 * txmsg's private MyBatis: a configuration of its own (no {@code SqlSessionFactory} bean, no
 * mapper scanning), sessions opened on connections txmsg is handed or takes itself, never
 * committing or closing them on their own.
 */
public final class MyBatisSupport {

    private final DataSource dataSource;
    private final SqlSessionFactory sessions;

    /**
     * @param dataSource the database
     * @param dialect    which statements to use where they differ
     * @param variables  validated values for {@code ${...}} in the mapper
     * @param mapper     the mapper XML resource
     */
    public MyBatisSupport(DataSource dataSource, Dialect dialect, Properties variables, String mapper) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        ManagedTransactionFactory transactions = new ManagedTransactionFactory();
        Properties noClose = new Properties();
        noClose.setProperty("closeConnection", "false");
        transactions.setProperties(noClose);

        Configuration configuration = new Configuration(new Environment("txmsg", transactions, dataSource));
        configuration.setDatabaseId(dialect.databaseId());
        configuration.setCacheEnabled(false);
        configuration.setLocalCacheScope(LocalCacheScope.STATEMENT);
        configuration.setMapUnderscoreToCamelCase(true);
        configuration.setVariables(variables);
        try (InputStream xml = MyBatisSupport.class.getClassLoader().getResourceAsStream(mapper)) {
            Objects.requireNonNull(xml, mapper);
            new XMLMapperBuilder(xml, configuration, mapper, configuration.getSqlFragments()).parse();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + mapper, e);
        }
        this.sessions = new SqlSessionFactoryBuilder().build(configuration);
    }

    /** A session on a connection the caller owns (the local transaction's). */
    public SqlSession on(Connection connection) {
        return sessions.openSession(connection);
    }

    /**
     * Runs {@code call} on a connection of its own, in a transaction of its own — whatever the
     * pool's defaults: auto-commit is switched off for it (several statements must commit as one,
     * a row lock must last until the end), and the isolation is READ COMMITTED or stronger (a
     * check-back that read a running transaction's uncommitted row would answer COMMIT for a
     * transaction that may still roll back). The connection is handed back as it was found.
     */
    public <M, T> T inOwnTransaction(Class<M> mapper, MapperCall<M, T> call) throws SQLException {
        return inOwnTransaction(mapper, call, false);
    }

    /**
     * As {@link #inOwnTransaction(Class, MapperCall)}, at exactly READ COMMITTED: for statements
     * that read many rows of other tables and must not hold locks on what they read (under MySQL's
     * REPEATABLE READ an {@code UPDATE ... WHERE EXISTS} locks every row it reads).
     */
    public <M, T> T inOwnReadCommittedTransaction(Class<M> mapper, MapperCall<M, T> call) throws SQLException {
        return inOwnTransaction(mapper, call, true);
    }

    private <M, T> T inOwnTransaction(Class<M> mapper, MapperCall<M, T> call, boolean exactlyReadCommitted) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            int isolation = c.getTransactionIsolation();
            boolean changeIsolation = exactlyReadCommitted ? isolation != Connection.TRANSACTION_READ_COMMITTED
                : isolation < Connection.TRANSACTION_READ_COMMITTED;
            boolean autoCommit = c.getAutoCommit();
            if (changeIsolation) {
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            if (autoCommit) {
                c.setAutoCommit(false);
            }
            try {
                return inTransaction(c, mapper, call);
            } finally {
                if (autoCommit) {
                    c.setAutoCommit(true);
                }
                if (changeIsolation) {
                    c.setTransactionIsolation(isolation);
                }
            }
        }
    }

    private <M, T> T inTransaction(Connection c, Class<M> mapper, MapperCall<M, T> call) throws SQLException {
        try (SqlSession session = sessions.openSession(c)) {
            T result = call.apply(session.getMapper(mapper));
            c.commit();
            return result;
        } catch (PersistenceException e) {
            SQLException sql = unwrap(e);
            rollback(c, sql);
            throw sql;
        } catch (SQLException | RuntimeException e) {
            rollback(c, e);
            throw e;
        }
    }

    private static void rollback(Connection c, Exception failure) {
        try {
            c.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    public static SQLException unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
        }
        return new SQLException(e.getMessage(), e);
    }

    /** A call on a mapper that may fail with SQL. */
    @FunctionalInterface
    public interface MapperCall<M, T> {
        T apply(M mapper) throws SQLException;
    }
}
