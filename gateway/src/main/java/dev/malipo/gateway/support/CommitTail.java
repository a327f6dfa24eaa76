package dev.malipo.gateway.support;

import org.springframework.core.Ordered;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.function.IntConsumer;

/**
 * Writes sent together just before their transaction commits: on PostgreSQL one round trip for
 * all of them and the COMMIT itself (one multi-statement execution), where each would have cost
 * its own. The last few writes of a transaction are often made by different modules — a
 * callback's own row, the payment's event and its deliveries, the idempotency key's stored
 * answer — and none of them needs the others' results, so waiting for each in turn only adds
 * round trips.
 *
 * <p>They run inside the transaction, in the order queued, before it commits: either one
 * failing fails the commit, exactly as if each had been sent at once. What a write changes is
 * not visible until then, so queue only writes that nothing later in the transaction reads — or
 * have that reader {@link #flush} first. Outside a transaction a write is sent at once.
 *
 * <p>On PostgreSQL the COMMIT travels with them (the driver's own commit then finds the
 * transaction ended and sends nothing), so the queue is the transaction's last work: it runs
 * after every other synchronization's {@code beforeCommit}, none of which may touch the
 * database, and the row counts it hands out arrive after the commit — a write whose row count
 * decides whether the transaction may commit at all says so ({@link #atCommitChangingOneRow}),
 * and the database checks it before the COMMIT.
 */
@Component
public class CommitTail {
    private final JdbcClient client;
    private final JdbcTemplate jdbc;
    private final SqlDialect dialect;

    CommitTail(JdbcClient client, JdbcTemplate jdbc, SqlDialect dialect) {
        this.client = client;
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    /**
     * @param unlessOneRow null, or why the transaction must fail if the write changes other than one row
     * @param check        a SELECT of one row that raises (SQLSTATE MLP01) itself when the transaction must fail
     */
    private record Write(Sql sql, IntConsumer rows, String unlessOneRow, boolean check) {
        Write(Sql sql, IntConsumer rows, String unlessOneRow) {
            this(sql, rows, unlessOneRow, false);
        }

        /** Whether the database answers it with a row (a check) rather than a count. */
        boolean answersWithRow() {
            return check || unlessOneRow != null;
        }
    }

    /**
     * A write queued with {@link #atCommitChangingOneRow} did not change exactly one row, so none of
     * its transaction was committed: what the transaction assumed about that row did not hold.
     */
    public static final class NotOneRow extends IllegalStateException {
        NotOneRow(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Raised by the database's malipo_expect_one_row (Flyway V7, PostgreSQL). */
    private static final String NOT_ONE_ROW = "MLP01";

    /** Sends {@code write} just before the transaction commits. */
    public void atCommit(Sql write) {
        atCommit(write, rows -> {
        });
    }

    /**
     * Sends {@code write} just before the transaction commits, then hands the rows it changed to
     * {@code rows}: to decide what to do once committed, never to refuse the commit (on PostgreSQL
     * the COMMIT has run by then; see {@link #atCommitChangingOneRow} for that).
     */
    public void atCommit(Sql write, IntConsumer rows) {
        queue(new Write(write, rows, null));
    }

    /**
     * Sends {@code write} — an UPDATE, INSERT or DELETE without RETURNING — just before the
     * transaction commits, which it lets commit only if it changed exactly one row; otherwise the
     * transaction fails with {@link NotOneRow} saying {@code otherwise}, and none of it is
     * committed.
     */
    public void atCommitChangingOneRow(Sql write, String otherwise) {
        queue(new Write(write, rows -> {
            if (rows != 1) throw new NotOneRow(otherwise, null);
        }, otherwise));
    }

    /**
     * Runs {@code check} — a SELECT of one row that raises SQLSTATE MLP01 (malipo_expect_one_row)
     * when what the transaction assumed does not hold — in its place among the transaction's last
     * writes, so that it sees those queued before it; the transaction then fails with
     * {@link NotOneRow} and none of it is committed. PostgreSQL only.
     */
    public void atCommitCheck(Sql check) {
        if (!dialect.postgres()) throw new IllegalStateException("checks at commit run on PostgreSQL only");
        queue(new Write(check, rows -> {
        }, null, true));
    }

    private void queue(Write write) {
        if (write.check() && !TransactionSynchronizationManager.isSynchronizationActive()) {
            throw new IllegalStateException("a check at commit outside a transaction checks nothing");
        }
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            write.rows().accept(write.sql().update(client));
            return;
        }
        Queue queue = (Queue) TransactionSynchronizationManager.getResource(this);
        if (queue == null) {
            queue = new Queue();
            TransactionSynchronizationManager.bindResource(this, queue);
            TransactionSynchronizationManager.registerSynchronization(queue);
        }
        queue.add(write);
    }

    /** Sends what is queued in this transaction now: for a read that may need to see it. */
    public void flush() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Queue queue) {
            queue.send(false);
        }
    }

    private final class Queue implements TransactionSynchronization {
        private final List<Write> writes = new ArrayList<>();
        private boolean committed;

        void add(Write write) {
            if (committed) throw new IllegalStateException("a write queued after its transaction's writes were committed");
            writes.add(write);
        }

        @Override
        public int getOrder() {
            // Last, but ties keep registration order: a hook registered after the first queued write
            // would still run after the COMMIT — which is why no beforeCommit hook may touch the database.
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void beforeCommit(boolean readOnly) {
            send(dialect.postgres());
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(CommitTail.this);
        }

        /** @param commit also commit the transaction, in the same round trip (PostgreSQL only) */
        void send(boolean commit) {
            if (writes.isEmpty()) return; // and add() refuses writes once committed
            List<Write> sending = List.copyOf(writes);
            writes.clear();
            if (!dialect.postgres()) {
                for (Write w : sending) w.rows().accept(w.sql().update(client));
                return;
            }
            committed = commit;
            int[] counts = sendTogether(sending, commit);
            for (int i = 0; i < sending.size(); i++) sending.get(i).rows().accept(counts[i]);
        }
    }

    /**
     * PostgreSQL's driver splits a statement text at its semicolons and sends the parts with one
     * sync: one round trip, each part still its own statement with its own result. Should one
     * fail, the server skips the rest (the COMMIT among them) and the transaction rolls back.
     */
    private int[] sendTogether(List<Write> writes, boolean commit) {
        StringJoiner text = new StringJoiner(";\n");
        List<Object> args = new ArrayList<>();
        for (Write w : writes) {
            args.addAll(w.sql().args());
            if (w.check() || w.unlessOneRow() == null) { // a check raises on its own
                text.add(w.sql().text());
            } else {
                // The count is checked by the database, before the COMMIT behind it can run.
                text.add("with w as (" + w.sql().text() + " returning 1) select malipo_expect_one_row(count(*), ?) from w");
                args.add(w.unlessOneRow());
            }
        }
        if (commit) text.add("commit");
        try {
            return jdbc.execute(text.toString(), (PreparedStatement ps) -> {
                new ArgumentPreparedStatementSetter(args.toArray()).setValues(ps);
                int[] counts = new int[writes.size()];
                boolean resultSet = ps.execute();
                for (int i = 0; i < counts.length; i++) {
                    Write w = writes.get(i);
                    if (resultSet != w.answersWithRow()) { // only the checked ones answer with a row
                        throw new IllegalStateException("a write queued at commit " + (resultSet ? "returned rows" : "returned no check")
                                + ": " + w.sql().text());
                    }
                    counts[i] = resultSet ? 1 : ps.getUpdateCount();
                    resultSet = ps.getMoreResults();
                }
                return counts;
            });
        } catch (UncategorizedSQLException e) {
            if (e.getSQLException() != null && NOT_ONE_ROW.equals(e.getSQLException().getSQLState())) {
                throw new NotOneRow(e.getSQLException().getMessage(), e);
            }
            throw e;
        }
    }
}
