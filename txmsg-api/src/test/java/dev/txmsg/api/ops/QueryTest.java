package dev.txmsg.api.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Operator queries are bounded (issue #10, finding 12). */
class QueryTest {

    @Test
    void aLimitAboveTheMaximumIsRefusedNamingIt() {
        assertThatThrownBy(() -> new Query(null, null, null, null, Query.MAX_LIMIT + 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1001").hasMessageContaining("1000");
    }

    @Test
    void theMaximumAndTheDefaultAreAccepted() {
        assertThat(new Query(null, null, null, null, Query.MAX_LIMIT).limit()).isEqualTo(1000);
        assertThat(new Query(null, null, null, null, 0).limit()).isEqualTo(Query.DEFAULT_LIMIT);
    }

    @Test
    void aRangeThatEndsBeforeItStartsIsRefused() {
        assertThatThrownBy(() -> new Query(null, null, Instant.ofEpochSecond(10), Instant.ofEpochSecond(5), 10))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is after");
    }
}
