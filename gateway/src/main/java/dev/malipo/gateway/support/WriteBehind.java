package dev.malipo.gateway.support;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes that nobody waits for, gathered for a moment and written together: one transaction and one
 * JDBC batch per statement, where each would have cost its own round trips and commit.
 *
 * <p>Only for writes whose loss in a crash is already covered by something durable — a webhook
 * attempt's record (the delivery keeps its safety-net time, so its job sends again: webhooks are
 * at-least-once). Never for anything a caller, a provider or a merchant is told has happened.
 *
 * <p>A write commits no later than every write queued after it (in the same transaction, or an
 * earlier one). Inside one transaction the writes are grouped by statement, so their order there
 * is not kept: queue only writes that do not depend on one another's order (those here touch
 * different rows).
 */
@Component
public class WriteBehind implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(WriteBehind.class);
    /** How long the first write of a batch waits for company. */
    static final Duration LINGER = Duration.ofMillis(50);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);
    private static final int MAX_BATCH = 1_000;

    private record Write(String sql, Object[] args) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final LinkedBlockingQueue<Write> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean stopping;

    WriteBehind(JdbcTemplate jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.writer = Thread.ofVirtual().name("write-behind").start(this::run);
    }

    /** Queues the write now (use outside a transaction, or for something true whatever it decides). */
    public void later(String sql, Object... args) {
        if (stopping && !writer.isAlive()) {
            jdbc.update(sql, args);
            return;
        }
        queue.add(new Write(sql, args));
    }

    private void run() {
        List<Write> batch = new ArrayList<>();
        while (true) {
            Write first;
            try {
                first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (stopping) return;
                continue;
            }
            batch.add(first);
            if (!stopping) pause(LINGER);
            queue.drainTo(batch, MAX_BATCH - batch.size());
            while (!write(batch)) {
                if (stopping) {
                    log.warn("{} deferred writes not written at shutdown; the jobs they concern cover them", batch.size());
                    break;
                }
                pause(RETRY_AFTER); // the same batch again, with what came meanwhile
                queue.drainTo(batch, MAX_BATCH - batch.size());
            }
            batch.clear();
        }
    }

    // Not interruptible on purpose: an interrupted virtual thread closes the socket it blocks on,
    // which would break a database connection in the middle of a write. Stopping is by flag.
    private static void pause(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = until - System.nanoTime()) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return false when the database could not be reached (keep the batch and try again) */
    private boolean write(List<Write> batch) {
        try {
            tx.executeWithoutResult(s -> {
                for (Map.Entry<String, List<Object[]>> group : bySql(batch).entrySet()) {
                    jdbc.batchUpdate(group.getKey(), group.getValue());
                }
            });
            return true;
        } catch (CannotGetJdbcConnectionException | TransientDataAccessException e) {
            log.warn("{} deferred writes wait for the database ({}); retrying", batch.size(), e.toString());
            return false;
        } catch (DataAccessException e) {
            // One bad write must not hold back the rest: write them one by one, and say which failed.
            for (Write w : batch) {
                try {
                    jdbc.update(w.sql(), w.args());
                } catch (DataAccessException one) {
                    log.error("deferred write dropped: {} ({})", w.sql(), one.toString());
                }
            }
            return true;
        }
    }

    private static Map<String, List<Object[]>> bySql(List<Write> batch) {
        Map<String, List<Object[]>> groups = new LinkedHashMap<>();
        for (Write w : batch) {
            groups.computeIfAbsent(w.sql(), k -> new ArrayList<>()).add(w.args());
        }
        return groups;
    }

    /**
     * Writes what is queued, then stops; later writes are made at once by whoever queues them.
     * (A write queued in the instant the writer stops is lost: that is the case this class is
     * only for.)
     */
    @Override
    public void destroy() throws InterruptedException {
        stopping = true;
        writer.join(Duration.ofSeconds(10));
    }
}
