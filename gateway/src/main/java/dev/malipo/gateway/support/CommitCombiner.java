package dev.malipo.gateway.support;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Commits several transactions as one when they reach the database at the same moment: each a
 * transaction made only of its last writes ({@link CommitTail}), which nothing on its own
 * connection has begun. A few batches may be in flight at once (its lanes); whoever finds a lane
 * free sends, on its own connection, its writes and those of everyone who queued meanwhile, with
 * one COMMIT — one round trip, one commit and one WAL flush where each would have had its own.
 * Nobody waits for company: with a lane free, a transaction is sent at once, alone, as before; a
 * batch forms only from what queued while every lane was busy, so batches grow with the load and
 * cost nothing when there is none.
 *
 * <p>All or nothing, as for one transaction: should the database refuse any write of a batch (a
 * check at commit that found its row moved on, a duplicate key, a deadlock), it has rolled the
 * whole batch back, and each member sends its own writes again, alone, to meet its own verdict —
 * exactly what it would have met without company. A batch whose fate is not known (the connection
 * lost while it was in flight) fails every member with that failure, as it would have failed each
 * alone: none is sent again, since it may have committed.
 *
 * <p>Safe only for transactions that hold nothing on their own connection (no statement sent, so
 * no row locked): a member waiting for a batch must not hold a lock the batch waits for, or the
 * two would wait for each other where the database cannot see it. {@link CommitTail} asks the
 * driver before it queues one.
 */
final class CommitCombiner {
    /**
     * Transactions in one batch, at most: few enough that the mixes seen under load stay few, so
     * their texts stay prepared (see {@link #commit}).
     */
    static final int MAX_MEMBERS = 8;

    /** Sends writes and the COMMIT on the leader's own connection, one count per write. */
    interface Sender<W> {
        /** @param shared whether the writes are several transactions' (else one's, alone, as without the combiner) */
        int[] send(List<W> writes, boolean shared);
    }

    /** What a member gets back: its row counts, or null to send its writes again alone. */
    static final class Member<W> {
        private final List<W> writes;
        private final String shape;
        private int[] counts;
        private RuntimeException failure;
        private boolean done;
        private boolean alone;
        /** In a batch (in flight, or about to be): someone else's if not this member's own. */
        private boolean taken;

        Member(List<W> writes, String shape) {
            this.writes = writes;
            this.shape = shape;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition batchDone = lock.newCondition();
    private final ArrayDeque<Member<?>> queue = new ArrayDeque<>();
    /** Batches that may be in flight at once: each its own connection, so the database works on that many at a time. */
    private final int lanes;
    private int inFlight;
    private long batches;
    private long combined;
    private long refused;

    CommitCombiner(int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("at least one batch must be able to fly, not " + lanes);
        this.lanes = lanes;
    }

    /**
     * Commits {@code writes} with whatever queued meanwhile.
     *
     * @param shape what the writes' statement text is (their parameters aside): a batch puts its
     *              members in the order of their shapes, so that one mix of them always makes the
     *              same text, which the driver and the database prepare once and plan once — not
     *              at every batch, which would cost more than the batch saves
     *
     * @return the writes' row counts, or null when the caller must send them alone (its batch was
     * refused by the database, nothing of it committed)
     */
    <W> int[] commit(List<W> writes, String shape, Sender<W> send) {
        Member<W> me = new Member<>(writes, shape);
        List<Member<W>> batch;
        lock.lock();
        try {
            queue.add(me);
            while (!me.done && (me.taken || inFlight >= lanes)) batchDone.awaitUninterruptibly();
            if (me.done) return result(me);
            // A lane is free and no batch has taken me: lead one, with everyone queued.
            inFlight++;
            batch = drain(me);
        } finally {
            lock.unlock();
        }
        Throwable leaderFailed = null;
        try {
            lead(batch, send);
        } catch (Throwable t) { // an Error too: nobody may be left waiting for this batch
            leaderFailed = t;
            throw t;
        } finally {
            lock.lock();
            try {
                for (Member<W> m : batch) {
                    if (m.counts == null && !m.alone && m.failure == null) {
                        m.failure = leaderFailed instanceof RuntimeException e ? e
                                : new IllegalStateException("the batch's leader failed", leaderFailed);
                    }
                    m.done = true;
                }
                inFlight--;
                batchDone.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return result(me);
    }

    /** {@code leader} and as many as fit of those queued (the first to come), in the order of their shapes. */
    @SuppressWarnings("unchecked")
    private <W> List<Member<W>> drain(Member<W> leader) {
        queue.remove(leader);
        List<Member<W>> batch = new ArrayList<>();
        batch.add(leader);
        while (!queue.isEmpty() && batch.size() < MAX_MEMBERS) batch.add((Member<W>) queue.poll());
        for (Member<W> m : batch) m.taken = true;
        batch.sort(Comparator.comparing(m -> m.shape));
        return batch;
    }

    /** Sends the batch and fills its members in (they are marked done by the caller, under the lock). */
    private <W> void lead(List<Member<W>> batch, Sender<W> send) {
        if (batch.size() == 1) {
            // Alone: exactly as without the combiner, failures the caller's own.
            Member<W> only = batch.getFirst();
            only.counts = send.send(only.writes, false);
            return;
        }
        List<W> all = new ArrayList<>();
        for (Member<W> m : batch) all.addAll(m.writes);
        int[] counts;
        try {
            counts = send.send(all, true);
        } catch (RuntimeException e) {
            boolean nothingCommitted = refusedByDatabase(e);
            for (Member<W> m : batch) {
                if (nothingCommitted) m.alone = true;
                else m.failure = e;
            }
            count(batch.size(), nothingCommitted);
            return;
        }
        int from = 0;
        for (Member<W> m : batch) {
            m.counts = Arrays.copyOfRange(counts, from, from + m.writes.size());
            from += m.writes.size();
        }
        count(batch.size(), false);
    }

    private void count(int members, boolean wasRefused) {
        lock.lock();
        try {
            batches++;
            combined += members;
            if (wasRefused) refused++;
        } finally {
            lock.unlock();
        }
    }

    private static <W> int[] result(Member<W> me) {
        if (me.failure != null) throw me.failure;
        return me.alone ? null : me.counts;
    }

    /**
     * Whether the database answered the batch with an error: it then rolled the transaction back
     * (the COMMIT, last, never ran or failed itself), so nothing of it was committed. A failure with
     * no SQLSTATE, or of class 08 (connection exception), may have come after the COMMIT was sent:
     * its outcome is not known.
     */
    static boolean refusedByDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state != null && !state.startsWith("08");
            }
        }
        return false;
    }

    /** Batches of two or more sent, the transactions they carried, and how many the database refused. */
    record Stats(long batches, long members, long refused) {
    }

    /** Transactions waiting for the batch in flight to end (for tests that must see them queue). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    Stats stats() {
        lock.lock();
        try {
            return new Stats(batches, combined, refused);
        } finally {
            lock.unlock();
        }
    }
}
