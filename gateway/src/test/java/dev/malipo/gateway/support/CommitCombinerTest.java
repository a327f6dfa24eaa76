package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.UncategorizedSQLException;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The combiner's contract, with the sending in the test's hands so that a batch is held in flight
 * while others queue behind it (CombinedCommitsTest runs it on PostgreSQL).
 */
class CommitCombinerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final CommitCombiner combiner = new CommitCombiner(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** What each send carried, in order. */
    private final List<List<String>> sent = new CopyOnWriteArrayList<>();

    /** The first send waits for {@link #release}, so that others queue meanwhile; then {@code outcome}. */
    private CommitCombiner.Sender<String> sender(Function<List<String>, int[]> outcome) {
        return (writes, shared) -> {
            assertThat(shared).as("shared exactly when several transactions' writes go together").isEqualTo(sent.size() > 0);
            sent.add(List.copyOf(writes));
            if (sent.size() == 1) await(release);
            return outcome.apply(writes);
        };
    }

    private static int[] countsOf(List<String> writes) {
        int[] counts = new int[writes.size()];
        for (int i = 0; i < counts.length; i++) counts[i] = writes.get(i).length(); // distinguishable per write
        return counts;
    }

    /** Starts the held batch, then {@code members} more, each of two writes, and waits until they queue. */
    private List<Future<int[]>> heldThenQueued(ExecutorService pool, int members, CommitCombiner.Sender<String> send) {
        List<Future<int[]>> out = new ArrayList<>();
        out.add(pool.submit(() -> combiner.commit(List.of("held"), "held", send)));
        Await.until("the first batch in flight", WAIT, () -> sent.size() == 1);
        for (int m = 0; m < members; m++) {
            List<String> writes = List.of("m" + m + "a", "m" + m + "-bb");
            String shape = m % 2 == 0 ? "even" : "odd"; // as two kinds of transaction would differ
            out.add(pool.submit(() -> combiner.commit(writes, shape, send)));
        }
        Await.until(members + " queued behind it", WAIT, () -> combiner.queued() == members);
        return out;
    }

    @Test
    void thoseQueuedBehindABatchGoTogetherInTheNextAndEachGetsItsOwnCounts() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> results = heldThenQueued(pool, 5, sender(CommitCombinerTest::countsOf));
            release.countDown();
            assertThat(results.getFirst().get(10, TimeUnit.SECONDS)).containsExactly(4);
            for (int m = 1; m <= 5; m++) {
                int member = m - 1;
                assertThat(results.get(m).get(10, TimeUnit.SECONDS)).as("member %d", member)
                        .containsExactly(("m" + member + "a").length(), ("m" + member + "-bb").length());
            }
        }
        assertThat(sent).as("the held one alone, then the five in one send").hasSize(2);
        List<String> shapes = new ArrayList<>();
        for (int w = 0; w < sent.get(1).size(); w += 2) {
            shapes.add(Integer.parseInt(sent.get(1).get(w).substring(1, 2)) % 2 == 0 ? "even" : "odd");
        }
        assertThat(shapes).as("grouped by shape, whatever order they queued in: one mix, one text")
                .containsExactly("even", "even", "even", "odd", "odd");
        assertThat(combiner.stats()).isEqualTo(new CommitCombiner.Stats(1, 5, 0));
    }

    @Test
    void aBatchTheDatabaseRefusedSendsEveryMemberBackToSendAlone() throws Exception {
        RuntimeException refused = new UncategorizedSQLException("commit", "…",
                new SQLException("new row violates check", "23514"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> results = heldThenQueued(pool, 3, sender(writes -> {
                if (writes.size() > 1) throw refused;
                return countsOf(writes);
            }));
            release.countDown();
            assertThat(results.getFirst().get(10, TimeUnit.SECONDS)).containsExactly(4);
            for (int m = 1; m <= 3; m++) assertThat(results.get(m).get(10, TimeUnit.SECONDS)).as("send alone").isNull();
        }
        assertThat(combiner.stats()).isEqualTo(new CommitCombiner.Stats(1, 3, 1));
    }

    @Test
    void aBatchWhoseFateIsUnknownFailsEveryMemberAndSendsNoneAgain() throws Exception {
        RuntimeException lost = new UncategorizedSQLException("commit", "…",
                new SQLException("An I/O error occurred while sending to the backend", "08006"));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> results = heldThenQueued(pool, 3, sender(writes -> {
                if (writes.size() > 1) throw lost;
                return countsOf(writes);
            }));
            release.countDown();
            results.getFirst().get(10, TimeUnit.SECONDS);
            for (int m = 1; m <= 3; m++) {
                Future<int[]> member = results.get(m);
                assertThatThrownBy(() -> member.get(10, TimeUnit.SECONDS)).cause().isSameAs(lost);
            }
        }
        assertThat(sent).as("the batch was not sent again, nor its members alone").hasSize(2);
    }

    @Test
    void aloneATransactionIsSentAtOnceAndItsFailureIsItsOwn() {
        RuntimeException own = new IllegalStateException("its own");
        assertThat(combiner.commit(List.of("a", "bb"), "ab", (writes, shared) -> {
            assertThat(shared).isFalse();
            return countsOf(writes);
        })).containsExactly(1, 2);
        assertThatThrownBy(() -> combiner.commit(List.of("a"), "a", (writes, shared) -> {
            throw own;
        })).isSameAs(own);
        assertThat(combiner.stats()).as("no batch of two or more").isEqualTo(new CommitCombiner.Stats(0, 0, 0));
    }

    @Test
    void aBatchHoldsAtMostItsLimitAndTheRestGoInTheNext() throws Exception {
        int members = CommitCombiner.MAX_MEMBERS + 3;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> results = heldThenQueued(pool, members, sender(CommitCombinerTest::countsOf));
            release.countDown();
            for (Future<int[]> r : results) assertThat(r.get(10, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(sent.stream().skip(1).mapToInt(List::size).max().orElseThrow())
                .as("writes in the largest send: two per member").isEqualTo(2 * CommitCombiner.MAX_MEMBERS);
        assertThat(sent.stream().skip(1).mapToInt(List::size).sum()).isEqualTo(2 * members);
    }

    @Test
    void withTwoLanesTwoBatchesFlyAtOnceAndNoTransactionIsSentTwice() throws Exception {
        CommitCombiner twoLanes = new CommitCombiner(2);
        // Each of the first three sends waits for its own release; later ones go through.
        List<CountDownLatch> releases = List.of(new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1));
        CommitCombiner.Sender<String> send = (writes, shared) -> {
            int n = sent.size();
            sent.add(List.copyOf(writes));
            if (n < releases.size()) await(releases.get(n));
            return countsOf(writes);
        };
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<int[]>> results = new ArrayList<>();
            results.add(pool.submit(() -> twoLanes.commit(List.of("held1"), "held", send)));
            Await.until("one batch in flight", WAIT, () -> sent.size() == 1);
            results.add(pool.submit(() -> twoLanes.commit(List.of("held2"), "held", send)));
            Await.until("two batches in flight at once", WAIT, () -> sent.size() == 2);
            for (int m = 0; m < 6; m++) {
                String w = "m" + m;
                results.add(pool.submit(() -> twoLanes.commit(List.of(w), "m", send)));
            }
            Await.until("six queued behind them", WAIT, () -> twoLanes.queued() == 6);
            releases.get(0).countDown();
            Await.until("the six in flight in the lane that came free", WAIT, () -> sent.size() == 3);
            releases.get(1).countDown(); // the other lane comes free while the six are in flight
            results.get(1).get(10, TimeUnit.SECONDS);
            releases.get(2).countDown();
            for (Future<int[]> r : results) assertThat(r.get(10, TimeUnit.SECONDS)).hasSize(1);
        }
        assertThat(sent.get(2)).hasSize(6);
        List<String> all = sent.stream().flatMap(List::stream).toList();
        assertThat(all).as("each write sent once").hasSize(8).doesNotHaveDuplicates();
    }

    @Test
    void onlyAnErrorTheDatabaseAnsweredMeansNothingWasCommitted() {
        assertThat(CommitCombiner.refusedByDatabase(new UncategorizedSQLException("x", "…",
                new SQLException("duplicate key", "23505")))).isTrue();
        assertThat(CommitCombiner.refusedByDatabase(new SQLException("deadlock detected", "40P01"))).isTrue();
        assertThat(CommitCombiner.refusedByDatabase(new SQLException("connection lost", "08006"))).isFalse();
        assertThat(CommitCombiner.refusedByDatabase(new SQLException("no state"))).isFalse();
        assertThat(CommitCombiner.refusedByDatabase(new IllegalStateException("not from the database"))).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
