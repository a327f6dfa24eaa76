package dev.malipo.gateway.support;

import org.springframework.jdbc.core.ArgumentPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;

/**
 * Writes sent together just before their transaction commits: on PostgreSQL one round trip for
 * all of them (one multi-statement execution), where each would have cost its own. The last few
 * writes of a transaction are often made by different modules — a callback's own row, the
 * payment's event and its deliveries, the idempotency key's stored answer — and none of them
 * needs the others' results, so waiting for each in turn only adds round trips.
 *
 * <p>They run inside the transaction, in the order queued, before it commits: either one
 * failing fails the commit, exactly as if each had been sent at once. What a write changes is
 * not visible until then, so queue only writes that nothing later in the transaction reads — or
 * have that reader {@link #flush} first. Outside a transaction a write is sent at once.
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

    private record Write(Sql sql, IntConsumer rows) {
    }

    /** Sends {@code write} just before the transaction commits. */
    public void atCommit(Sql write) {
        atCommit(write, rows -> {
        });
    }

    /**
     * Sends {@code write} just before the transaction commits, then hands the rows it changed to
     * {@code rows} (still inside the transaction: to decide what to do after the commit).
     */
    public void atCommit(Sql write, IntConsumer rows) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            rows.accept(write.update(client));
            return;
        }
        Queue queue = (Queue) TransactionSynchronizationManager.getResource(this);
        if (queue == null) {
            queue = new Queue();
            TransactionSynchronizationManager.bindResource(this, queue);
            TransactionSynchronizationManager.registerSynchronization(queue);
        }
        queue.writes.add(new Write(write, rows));
    }

    /** Sends what is queued in this transaction now: for a read that may need to see it. */
    public void flush() {
        if (TransactionSynchronizationManager.getResource(this) instanceof Queue queue) {
            queue.send();
        }
    }

    private final class Queue implements TransactionSynchronization {
        private final List<Write> writes = new ArrayList<>();

        @Override
        public void beforeCommit(boolean readOnly) {
            send();
        }

        @Override
        public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(CommitTail.this);
        }

        void send() {
            if (writes.isEmpty()) return;
            List<Write> sending = List.copyOf(writes);
            writes.clear();
            if (sending.size() == 1 || !dialect.postgres()) {
                for (Write w : sending) w.rows().accept(w.sql().update(client));
                return;
            }
            int[] counts = sendTogether(sending);
            for (int i = 0; i < sending.size(); i++) sending.get(i).rows().accept(counts[i]);
        }
    }

    /**
     * PostgreSQL's driver splits a statement text at its semicolons and sends the parts with one
     * sync: one round trip, each part still its own statement with its own result.
     */
    private int[] sendTogether(List<Write> writes) {
        String text = writes.stream().map(w -> w.sql().text()).collect(Collectors.joining(";\n"));
        Object[] args = writes.stream().flatMap(w -> w.sql().args().stream()).toArray();
        return jdbc.execute(text, (PreparedStatement ps) -> {
            new ArgumentPreparedStatementSetter(args).setValues(ps);
            int[] counts = new int[writes.size()];
            boolean resultSet = ps.execute();
            for (int i = 0; i < counts.length; i++) {
                if (resultSet) throw new IllegalStateException("a write queued at commit returned rows: " + writes.get(i).sql().text());
                counts[i] = ps.getUpdateCount();
                resultSet = ps.getMoreResults();
            }
            return counts;
        });
    }
}
