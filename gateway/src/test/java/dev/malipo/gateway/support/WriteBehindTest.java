package dev.malipo.gateway.support;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** Deferred writes against the real database: what commits, in which order, and what a bad one costs. */
class WriteBehindTest extends PostgresTestBase {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INSERT = "insert into write_behind_probe (id, v) values (?, ?)";

    @Autowired
    WriteBehind writeBehind;
    @Autowired
    JdbcClient jdbc;

    String run;

    @BeforeEach
    void probeTable() {
        jdbc.sql("create table if not exists write_behind_probe (id text primary key, v int not null)").update();
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aWriteIsNeverCommittedBeforeOnesQueuedEarlierFromAnyThread() throws Exception {
        // More writes than one batch holds, so they span several transactions.
        int threads = 8, rows = 200;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rows; i++) writeBehind.later(INSERT, run + "-" + thread + "-" + i, 0);
                }));
            }
            for (Future<?> f : done) f.get();
        }
        writeBehind.later(INSERT, run + "-last", 1);
        Await.until("the last write committed", WAIT, () -> !values(run + "-last").isEmpty());
        assertThat(count(run + "-%")).as("every write queued before it").isEqualTo(threads * rows + 1);
    }

    @Test
    void aBadWriteIsDroppedAloneAndTheRestOfItsBatchIsMade() {
        jdbc.sql(INSERT).params(run + "-taken", 7).update();
        writeBehind.later(INSERT, run + "-before", 1);
        writeBehind.later(INSERT, run + "-taken", 1); // duplicate key
        writeBehind.later(INSERT, run + "-after", 1);
        Await.until("the good ones written", WAIT, () -> count(run + "-%") == 3);
        assertThat(values(run + "-taken")).containsExactly(7);
        assertThat(values(run + "-before")).containsExactly(1);
        assertThat(values(run + "-after")).containsExactly(1);
    }

    private long count(String like) {
        return jdbc.sql("select count(*) from write_behind_probe where id like ?").param(like).query(Long.class).single();
    }

    private List<Integer> values(String id) {
        return jdbc.sql("select v from write_behind_probe where id = ?").param(id).query(Integer.class).list();
    }
}
