package dev.txmsg.benchmark.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class DatabaseChoiceTest {

    private static final Path OUT = Path.of("target", "benchmark-options");

    @Test
    void aPostgreSqlUrlIsTakenWithItsDatabaseAndTheUsualAdministrator() {
        DatabaseChoice pg = DatabaseChoice.of("jdbc:postgresql://127.0.0.1:5432/txmsg_bench", null, "", OUT);

        assertThat(pg.kind()).isEqualTo(DatabaseChoice.Kind.POSTGRESQL);
        assertThat(pg.user()).isEqualTo("postgres");
        assertThat(pg.databaseName()).isEqualTo("txmsg_bench");
        assertThat(pg.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/txmsg_bench?connectTimeout=5");
        assertThat(pg.adminUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?connectTimeout=5");
        assertThat(pg.displayUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/txmsg_bench");
    }

    @Test
    void theDefaultIsMariaDbAsRoot() {
        DatabaseChoice mysql = DatabaseChoice.of(null, null, "", OUT);

        assertThat(mysql.kind()).isEqualTo(DatabaseChoice.Kind.MYSQL);
        assertThat(mysql.user()).isEqualTo("root");
        assertThat(mysql.url()).startsWith(DatabaseChoice.DEFAULT_URL + "?createDatabaseIfNotExist=true");
    }

    @Test
    void aUrlWithoutADatabaseOrOfAnotherDatabaseIsRefusedSayingWhatToWrite() {
        assertThatThrownBy(() -> DatabaseChoice.of("jdbc:postgresql://127.0.0.1:5432/", null, "", OUT))
            .hasMessageContaining("names no database").hasMessageContaining("jdbc:postgresql://host:port/database");
        assertThatThrownBy(() -> DatabaseChoice.of("jdbc:oracle:thin:@db", null, "", OUT))
            .hasMessageContaining("nor a PostgreSQL URL");
    }
}
