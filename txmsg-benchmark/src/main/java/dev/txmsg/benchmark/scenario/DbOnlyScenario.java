package dev.txmsg.benchmark.scenario;

import javax.sql.DataSource;

import dev.txmsg.benchmark.db.OrderTable;

/** {@code db-only}: the order insert and its commit, nothing sent; the database's share of every other scenario. */
final class DbOnlyScenario implements Scenario {

    static final String NAME = "db-only";

    private final DataSource dataSource;

    DbOnlyScenario(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void execute(long orderId) throws Exception {
        OrderTable.insertAndCommit(dataSource, orderId);
    }

    @Override
    public void close() {
        // the pool belongs to the run
    }
}
