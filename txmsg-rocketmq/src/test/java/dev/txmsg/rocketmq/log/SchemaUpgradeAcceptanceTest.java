package dev.txmsg.rocketmq.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.txmsg.acceptance.database.TestDatabase;
import dev.txmsg.rocketmq.store.ConsumerStore;
import dev.txmsg.rocketmq.jdbc.SchemaInitialization;

/**
 * Upgrading the consumer tables of txmsg 0.1 (issue #10, finding 9): a 0.1 consume log fails
 * start-up naming the upgrade file, and the shipped upgrade file brings it to 0.2's key.
 */
abstract class SchemaUpgradeAcceptanceTest {

    private TestDatabase db;

    abstract TestDatabase createDatabase();

    abstract String dialect();

    @BeforeEach
    void openDatabase() {
        db = createDatabase();
        run("txmsg-0.1/" + dialect() + ".sql");
        db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic) VALUES ('g', 'K1', 'T')");
    }

    @AfterEach
    void closeDatabase() {
        db.close();
    }

    @Test
    void aConsumeLogOfTxmsg01FailsStartUpNamingTheUpgradeFile() {
        assertThatThrownBy(() -> new ConsumerStore(db.dataSource(), SchemaInitialization.ALWAYS))
            .hasMessageContaining("txmsg 0.1").hasMessageContaining("txmsg/schema/upgrade/0.1-to-0.2-" + dialect() + ".sql");
    }

    @Test
    void theUpgradeFileBringsTheTablesToTheNewKeyAndKeepsTheirRows() throws Exception {
        run("txmsg/schema/upgrade/0.1-to-0.2-" + dialect() + ".sql");

        ConsumerStore store = new ConsumerStore(db.dataSource(), SchemaInitialization.NEVER);
        assertThat(store.isConsumed("g", "T", "K1")).as("a 0.1 row").isTrue();
        db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic) VALUES ('g', 'k1', 'T')");
        db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic) VALUES ('G', 'K1', 'T')");
        db.execute("INSERT INTO txmsg_consume_log (consumer_group, message_key, topic) VALUES ('g', 'K1', 'T2')");
        assertThat(db.queryLong("SELECT COUNT(*) FROM txmsg_consume_log")).as("keys compared byte for byte, per topic").isEqualTo(4);
    }

    private void run(String resource) {
        String sql;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String withoutComments = sql.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, l) -> a + l + "\n");
        Arrays.stream(withoutComments.split(";")).map(String::trim).filter(s -> !s.isEmpty()).forEach(db::execute);
    }
}
