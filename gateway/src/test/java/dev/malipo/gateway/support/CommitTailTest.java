package dev.malipo.gateway.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import javax.net.SocketFactory;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes queued at commit, on the real PostgreSQL (counting the driver's round trips at its socket)
 * and on H2: what is sent, when, in one round trip, and what a failing one does to its transaction.
 */
class CommitTailTest {
    private static final String INSERT = "insert into commit_tail_probe (id, v) values (?, ?)";

    private TestDatabase db;
    private SingleConnectionDataSource dataSource;
    private JdbcClient jdbc;
    private TransactionTemplate tx;
    private CommitTail tail;

    private void open(TestDatabase database) {
        db = database;
        String url = H2Urls.complete(db.url()); // no gateway here to complete it
        if (url.startsWith("jdbc:postgresql:")) url += "&socketFactory=" + CountingSocketFactory.class.getName() ;
        dataSource = new SingleConnectionDataSource(url, db.user(), db.password(), true);
        JdbcTemplate template = new JdbcTemplate(dataSource);
        jdbc = JdbcClient.create(template);
        tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        tail = new CommitTail(jdbc, template, new SqlDialect(dataSource));
        jdbc.sql("create table commit_tail_probe (id varchar(40) primary key, v int not null)").update();
        if (url.startsWith("jdbc:postgresql:")) template.execute(migration("db/vendor/postgresql/V7__expect_one_row.sql"));
    }

    private static String migration(String path) {
        try (var in = CommitTailTest.class.getClassLoader().getResourceAsStream(path)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void close() {
        if (dataSource != null) dataSource.destroy();
        if (db != null) db.close();
    }

    @Test
    void onPostgresTheQueuedWritesTravelInOneRoundTripJustBeforeTheCommit() {
        open(TestDatabase.postgres());
        jdbc.sql(INSERT).params("old", 1).update();
        int oneWrite = flushesOf(() -> tx.executeWithoutResult(s -> jdbc.sql(INSERT).params("x", 1).update()));
        int threeWrites = flushesOf(() -> tx.executeWithoutResult(s -> {
            for (String id : List.of("y1", "y2", "y3")) jdbc.sql(INSERT).params(id, 1).update();
        }));
        List<Integer> rows = new ArrayList<>();
        int threeQueued = flushesOf(() -> tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1), rows::add);
            tail.atCommit(Sql.of("update commit_tail_probe set v = v + 1 where id in ('a', 'old')"), rows::add);
            tail.atCommit(Sql.of("update commit_tail_probe set v = 9 where id = 'nobody'"), rows::add);
            assertThat(rows).as("nothing sent yet").isEmpty();
        }));
        assertThat(oneWrite).as("the statement with its BEGIN, then the COMMIT").isEqualTo(2);
        assertThat(threeWrites).as("the count tells writes apart").isEqualTo(oneWrite + 2);
        assertThat(threeQueued).as("three queued writes and the COMMIT: one round trip").isEqualTo(oneWrite - 1);
        assertThat(rows).as("each write's own row count, in order").containsExactly(1, 2, 0);
        assertThat(value("a")).isEqualTo(2);
        assertThat(value("old")).isEqualTo(2);
    }

    /** Round trips to the database: the driver's flushes. */
    private static int flushesOf(Runnable work) {
        int before = CountingSocketFactory.flushes.get();
        work.run();
        return CountingSocketFactory.flushes.get() - before;
    }

    @Test
    void onPostgresAFailingQueuedWriteFailsTheCommitAndTakesTheWholeTransactionWithIt() {
        open(TestDatabase.postgres());
        failingWriteRollsBackEverything();
    }

    @Test
    void onH2AFailingQueuedWriteFailsTheCommitAndTakesTheWholeTransactionWithIt() {
        open(TestDatabase.h2());
        failingWriteRollsBackEverything();
    }

    private void failingWriteRollsBackEverything() {
        jdbc.sql(INSERT).params("taken", 1).update();
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql(INSERT).params("made-at-once", 1).update();
            tail.atCommit(Sql.of(INSERT, "queued", 1));
            tail.atCommit(Sql.of(INSERT, "taken", 2)); // duplicate key
        })).isInstanceOf(DuplicateKeyException.class);
        assertThat(ids()).containsExactly("taken");
    }

    @Test
    void onPostgresAWriteThatMustChangeOneRowCommitsWithItInOneRoundTrip() {
        open(TestDatabase.postgres());
        jdbc.sql(INSERT).params("a", 1).update();
        int flushes = flushesOf(() -> tx.executeWithoutResult(s -> {
            tail.atCommitChangingOneRow(Sql.of("update commit_tail_probe set v = 2 where id = ?", "a"), "a was gone");
            tail.atCommit(Sql.of(INSERT, "b", 1));
        }));
        assertThat(flushes).isEqualTo(1);
        assertThat(value("a")).isEqualTo(2);
        assertThat(ids()).containsExactly("a", "b");
    }

    @Test
    void onPostgresAWriteThatMustChangeOneRowAndChangesNoneFailsTheTransactionBeforeItCommits() {
        open(TestDatabase.postgres());
        writeThatMissesRollsBackEverything();
    }

    @Test
    void onH2AWriteThatMustChangeOneRowAndChangesNoneFailsTheTransactionBeforeItCommits() {
        open(TestDatabase.h2());
        writeThatMissesRollsBackEverything();
    }

    private void writeThatMissesRollsBackEverything() {
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql(INSERT).params("made-at-once", 1).update();
            tail.atCommit(Sql.of(INSERT, "queued-before", 1));
            tail.atCommitChangingOneRow(Sql.of("update commit_tail_probe set v = 2 where id = ?", "nobody"), "nobody was there");
            tail.atCommit(Sql.of(INSERT, "queued-after", 1));
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("nobody was there");
        assertThat(ids()).isEmpty();
        tx.executeWithoutResult(s -> tail.atCommit(Sql.of(INSERT, "next", 1)));
        assertThat(ids()).as("the connection goes on working").containsExactly("next");
    }

    @Test
    void onPostgresACheckSeesTheWritesQueuedBeforeItAndCommitsWithThemInOneRoundTrip() {
        open(TestDatabase.postgres());
        int flushes = flushesOf(() -> tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1));
            tail.atCommitCheck(Sql.of("select malipo_expect_one_row(count(*), ?) from commit_tail_probe where id = ?", "a missing", "a"));
            tail.atCommit(Sql.of(INSERT, "b", 1));
        }));
        assertThat(flushes).isEqualTo(1);
        assertThat(ids()).containsExactly("a", "b");
    }

    @Test
    void onPostgresAFailingCheckFailsTheTransactionBeforeItCommits() {
        open(TestDatabase.postgres());
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            jdbc.sql(INSERT).params("made-at-once", 1).update();
            tail.atCommit(Sql.of(INSERT, "queued-before", 1));
            tail.atCommitCheck(Sql.of("select malipo_expect_one_row(1 - count(*), ?) from commit_tail_probe where id = ?",
                    "queued-before is there", "queued-before"));
        })).isInstanceOf(CommitTail.NotOneRow.class).hasMessageContaining("queued-before is there");
        assertThat(ids()).isEmpty();
    }

    @Test
    void aCheckOutsideATransactionOrOnH2IsRefused() {
        open(TestDatabase.postgres());
        assertThatThrownBy(() -> tail.atCommitCheck(Sql.of("select 1"))).isInstanceOf(IllegalStateException.class);
        dataSource.destroy();
        db.close();
        open(TestDatabase.h2());
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> tail.atCommitCheck(Sql.of("select 1"))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("PostgreSQL only");
    }

    @Test
    void onPostgresAWriteQueuedOnceTheWritesWereCommittedIsRefusedNotLost() {
        open(TestDatabase.postgres());
        List<RuntimeException> refused = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1));
            org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                    new org.springframework.transaction.support.TransactionSynchronization() {
                        @Override
                        public void afterCommit() {
                            tail.flush(); // nothing queued: nothing to do
                            try {
                                tail.atCommit(Sql.of(INSERT, "too-late", 1));
                            } catch (IllegalStateException e) {
                                refused.add(e);
                            }
                        }
                    });
        });
        assertThat(refused).hasSize(1);
        assertThat(ids()).containsExactly("a");
    }

    @Test
    void onH2TheQueuedWritesAreMadeInOrderBeforeTheCommit() {
        open(TestDatabase.h2());
        List<Integer> rows = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1), rows::add);
            tail.atCommit(Sql.of("update commit_tail_probe set v = 5 where id = 'a'"), rows::add);
            assertThat(rows).isEmpty();
        });
        assertThat(rows).containsExactly(1, 1);
        assertThat(value("a")).isEqualTo(5);
    }

    @Test
    void flushSendsTheQueuedWritesNowSoALaterReadInTheTransactionSeesThem() {
        open(TestDatabase.postgres());
        tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1));
            tail.atCommit(Sql.of(INSERT, "b", 1));
            assertThat(ids()).as("queued, not sent").isEmpty();
            tail.flush();
            assertThat(ids()).containsExactly("a", "b");
            tail.atCommit(Sql.of(INSERT, "c", 1)); // and the queue goes on after a flush
        });
        assertThat(ids()).containsExactly("a", "b", "c");
    }

    @Test
    void aTransactionThatRollsBackSendsNothing() {
        open(TestDatabase.postgres());
        List<Integer> rows = new ArrayList<>();
        tx.executeWithoutResult(s -> {
            tail.atCommit(Sql.of(INSERT, "a", 1), rows::add);
            s.setRollbackOnly();
        });
        assertThat(rows).isEmpty();
        assertThat(ids()).isEmpty();
        tx.executeWithoutResult(s -> tail.atCommit(Sql.of(INSERT, "b", 1)));
        assertThat(ids()).as("the next transaction starts with an empty queue").containsExactly("b");
    }

    @Test
    void outsideATransactionAWriteIsSentAtOnce() {
        open(TestDatabase.postgres());
        List<Integer> rows = new ArrayList<>();
        tail.atCommit(Sql.of(INSERT, "a", 1), rows::add);
        assertThat(rows).containsExactly(1);
        assertThat(ids()).containsExactly("a");
    }

    private int value(String id) {
        return jdbc.sql("select v from commit_tail_probe where id = ?").param(id).query(Integer.class).single();
    }

    private List<String> ids() {
        return jdbc.sql("select id from commit_tail_probe order by id").query(String.class).list();
    }

    /**
     * The driver's sockets, counting flushes: one per round trip (since pgjdbc 42.7.14 the BEGIN
     * ahead of a transaction's first statement goes with it, unflushed).
     */
    public static final class CountingSocketFactory extends SocketFactory {
        static final AtomicInteger flushes = new AtomicInteger();

        @Override
        public Socket createSocket() {
            return new Socket() {
                @Override
                public OutputStream getOutputStream() throws IOException {
                    return new FilterOutputStream(super.getOutputStream()) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            out.write(b, off, len);
                        }

                        @Override
                        public void flush() throws IOException {
                            flushes.incrementAndGet();
                            super.flush();
                        }
                    };
                }
            };
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress host, int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) {
            throw new UnsupportedOperationException();
        }
    }
}
