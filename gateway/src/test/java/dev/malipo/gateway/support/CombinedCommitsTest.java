package dev.malipo.gateway.support;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Transactions made of their last writes (CommitTail) committing together on the real
 * PostgreSQL, with a pool of real connections. A batch is held in flight by a row lock taken from
 * another connection, so that others queue behind it; one commit is told by the rows' {@code xmin}
 * (the transaction that wrote them).
 */
class CombinedCommitsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String INSERT = "insert into combined_probe (id, v) values (?, ?)";

    private TestDatabase db;
    private HikariDataSource pool;
    private JdbcClient jdbc;
    private TransactionTemplate tx;
    private CommitTail tail;
    private Connection blocker;
    private ExecutorService threads;

    @BeforeEach
    void open() throws SQLException {
        db = TestDatabase.postgres();
        pool = new HikariDataSource();
        pool.setJdbcUrl(db.url());
        pool.setUsername(db.user());
        pool.setPassword(db.password());
        pool.setMaximumPoolSize(16);
        JdbcTemplate template = new JdbcTemplate(pool);
        jdbc = JdbcClient.create(template);
        tx = new TransactionTemplate(new DataSourceTransactionManager(pool));
        tail = new CommitTail(jdbc, template, new SqlDialect(pool), 1);
        jdbc.sql("create table combined_probe (id text primary key, v int not null)").update();
        template.execute(migration("db/vendor/postgresql/V7__expect_one_row.sql"));
        jdbc.sql(INSERT).params("gate", 0).update();
        threads = Executors.newVirtualThreadPerTaskExecutor();
    }

    @AfterEach
    void close() throws SQLException {
        if (blocker != null) blocker.close();
        if (threads != null) threads.close();
        if (pool != null) pool.close();
        if (db != null) db.close();
    }

    /** A transaction of nothing but {@code writes}, queued at commit, run on another thread. */
    private Future<?> transaction(Consumer<CommitTail> writes) {
        return threads.submit(() -> tx.executeWithoutResult(s -> writes.accept(tail)));
    }

    /** Holds the gate row from another connection, and starts a transaction that waits for it in flight. */
    private Future<?> heldBatch() throws SQLException {
        blocker = pool.getConnection();
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.execute("select * from combined_probe where id = 'gate' for update");
        }
        Future<?> held = transaction(t -> t.atCommit(Sql.of("update combined_probe set v = v + 1 where id = 'gate'")));
        Await.until("the first batch waiting for the gate's lock", WAIT, () -> jdbc.sql(
                "select count(*) from pg_locks where not granted and locktype = 'transactionid'").query(Long.class).single() > 0);
        return held;
    }

    private void openTheGate() throws SQLException {
        blocker.rollback();
    }

    private int commitsOf(String idPattern) {
        return jdbc.sql("select count(distinct xmin::text) from combined_probe where id like ?").params(idPattern)
                .query(Integer.class).single();
    }

    @Test
    void transactionsQueuedBehindABatchCommitTogetherEachWithAllItsWrites() throws Exception {
        Future<?> held = heldBatch();
        List<Future<?>> queued = new ArrayList<>();
        for (int m = 0; m < 8; m++) {
            String id = "m" + m;
            queued.add(transaction(t -> {
                t.atCommit(Sql.of(INSERT, id + "-a", 1));
                t.atCommit(Sql.of(INSERT, id + "-b", 2));
            }));
        }
        Await.until("eight transactions queued behind it", WAIT, () -> tail.queuedToCombine() == 8);
        assertThat(held).as("still held").isNotDone();
        openTheGate();
        held.get(10, TimeUnit.SECONDS);
        for (Future<?> f : queued) f.get(10, TimeUnit.SECONDS);

        assertThat(jdbc.sql("select count(*) from combined_probe where id like 'm%'").query(Integer.class).single()).isEqualTo(16);
        assertThat(commitsOf("m%")).as("the eight committed as one transaction").isEqualTo(1);
        assertThat(jdbc.sql("select v from combined_probe where id = 'gate'").query(Integer.class).single()).isEqualTo(1);
        assertThat(tail.combined()).isEqualTo(new CommitTail.CombinedCommits(1, 8, 0));
    }

    @Test
    void aRefusedBatchCommitsEachOfItsGoodMembersAloneAndFailsOnlyTheFaultyOnes() throws Exception {
        jdbc.sql(INSERT).params("taken", 0).update();
        Future<?> held = heldBatch();
        List<Future<?>> good = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            String id = "good" + m;
            good.add(transaction(t -> t.atCommit(Sql.of(INSERT, id, 1))));
        }
        Future<?> notThere = transaction(t -> {
            t.atCommit(Sql.of(INSERT, "with-the-missing-row", 1));
            t.atCommitChangingOneRow(Sql.of("update combined_probe set v = 9 where id = 'nobody'"), "nobody is there");
        });
        Future<?> duplicate = transaction(t -> t.atCommit(Sql.of(INSERT, "taken", 1)));
        for (int m = 3; m < 6; m++) {
            String id = "good" + m;
            good.add(transaction(t -> t.atCommit(Sql.of(INSERT, id, 1))));
        }
        Await.until("eight transactions queued behind it", WAIT, () -> tail.queuedToCombine() == 8);
        openTheGate();
        held.get(10, TimeUnit.SECONDS);
        for (Future<?> f : good) f.get(10, TimeUnit.SECONDS);

        assertThatThrownBy(() -> notThere.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CommitTail.NotOneRow.class).hasMessageContaining("nobody is there");
        assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(DuplicateKeyException.class);
        assertThat(jdbc.sql("select id from combined_probe where id like 'good%' or id like 'with%' order by id")
                .query(String.class).list()).as("the good ones, and none of a faulty one's writes")
                .containsExactly("good0", "good1", "good2", "good3", "good4", "good5");
        assertThat(commitsOf("good%")).as("each committed alone after the refusal").isEqualTo(6);
        assertThat(jdbc.sql("select v from combined_probe where id = 'taken'").query(Integer.class).single()).isZero();
        assertThat(tail.combined()).isEqualTo(new CommitTail.CombinedCommits(1, 8, 1));
    }

    @Test
    void aMemberWaitingForALockHeldElsewhereHoldsUpTheOthersOnlyForAMoment() throws Exception {
        jdbc.sql(INSERT).params("busy", 0).update();
        try (Connection someoneElse = pool.getConnection()) {
            someoneElse.setAutoCommit(false);
            try (Statement s = someoneElse.createStatement()) {
                s.execute("select * from combined_probe where id = 'busy' for update");
            }
            Future<?> held = heldBatch();
            Future<?> needsTheBusyRow = transaction(t -> t.atCommit(Sql.of("update combined_probe set v = 5 where id = 'busy'")));
            List<Future<?>> others = new ArrayList<>();
            for (int m = 0; m < 5; m++) {
                String id = "other" + m;
                others.add(transaction(t -> t.atCommit(Sql.of(INSERT, id, 1))));
            }
            Await.until("six transactions queued behind it", WAIT, () -> tail.queuedToCombine() == 6);
            openTheGate();
            held.get(10, TimeUnit.SECONDS);
            for (Future<?> f : others) f.get(10, TimeUnit.SECONDS); // while the busy row is still held
            assertThat(needsTheBusyRow).as("waits alone, for as long as it must").isNotDone();
            assertThat(tail.combined()).isEqualTo(new CommitTail.CombinedCommits(1, 6, 1));
            someoneElse.rollback();
            needsTheBusyRow.get(10, TimeUnit.SECONDS);
        }
        assertThat(jdbc.sql("select v from combined_probe where id = 'busy'").query(Integer.class).single()).isEqualTo(5);
        assertThat(commitsOf("other%")).as("each alone, after the refusal").isEqualTo(5);
    }

    @Test
    void aTransactionThatSentAStatementFirstIsNeverCombinedNorQueued() throws Exception {
        Future<?> held = heldBatch();
        Future<?> readFirst = threads.submit(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("select count(*) from combined_probe").query(Long.class).single();
            tail.atCommit(Sql.of(INSERT, "read-first", 1));
        }));
        readFirst.get(10, TimeUnit.SECONDS); // not behind the held batch: committed while it waits
        assertThat(held).isNotDone();
        assertThat(tail.queuedToCombine()).isZero();
        openTheGate();
        held.get(10, TimeUnit.SECONDS);
        assertThat(tail.combined().batches()).isZero();
    }

    @Test
    void switchedOffEveryTransactionCommitsAlone() throws Exception {
        tail = new CommitTail(jdbc, new JdbcTemplate(pool), new SqlDialect(pool), 0);
        Future<?> held = heldBatch();
        Future<?> other = transaction(t -> t.atCommit(Sql.of(INSERT, "other", 1)));
        other.get(10, TimeUnit.SECONDS);
        assertThat(held).isNotDone();
        openTheGate();
        held.get(10, TimeUnit.SECONDS);
        assertThat(tail.combined()).isEqualTo(new CommitTail.CombinedCommits(0, 0, 0));
    }

    private static String migration(String path) {
        try (var in = CombinedCommitsTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
