package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Sql;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Stored callbacks. Every method but the {@code …AtCommit} ones reads, or conditionally writes,
 * callback rows, so it first sends what its transaction queued to send at commit (usually
 * nothing): the queued writes are then never missed by a read in the same transaction.
 */
@Repository
class CallbackRepository {
    record StoredCallback(String id, String paymentId, String headers, String body, String channel, String status) {
    }

    /** A callback's verdict, for a row whose status is one the caller names after it. */
    private static final String FINISH_WHERE_STATUS = """
            update provider_callbacks set status = ?, dedupe_key = ?, note = ?, processed_at = ?
            where id = ? and status\s""";
    private static final String FINISH = FINISH_WHERE_STATUS + "in ('received', 'parked')";

    private final JdbcClient jdbc;
    private final CommitTail tail;

    CallbackRepository(JdbcClient jdbc, CommitTail tail) {
        this.jdbc = jdbc;
        this.tail = tail;
    }

    /** Stores a callback as it came; {@code status} is where it stands already (processed when it was handled at once). */
    void insert(String id, String paymentId, Instant receivedAt, String sourceIp, String headers, String body, String channel,
                String status, String dedupeKey, String note, Instant processedAt) {
        tail.flush();
        insertion(id, paymentId, receivedAt, sourceIp, headers, body, channel, status, dedupeKey, note, processedAt).update(jdbc);
    }

    /** {@link #insert}, sent with the transaction's other last writes (see {@link CommitTail}). */
    void insertAtCommit(String id, String paymentId, Instant receivedAt, String sourceIp, String headers, String body,
                        String channel, String status, String dedupeKey, String note, Instant processedAt) {
        tail.atCommit(insertion(id, paymentId, receivedAt, sourceIp, headers, body, channel, status, dedupeKey, note, processedAt));
    }

    /**
     * Stores a callback as parked, with {@code alongside} (the payment's note of it): both as the
     * transaction's last writes, with its COMMIT (see {@link CommitTail}).
     */
    void insertParkedAtCommit(String id, String paymentId, Instant receivedAt, String sourceIp, String headers, String body,
                              String channel, Sql alongside) {
        tail.atCommit(alongside);
        tail.atCommit(insertion(id, paymentId, receivedAt, sourceIp, headers, body, channel, "parked", null, null, null));
    }

    private static Sql insertion(String id, String paymentId, Instant receivedAt, String sourceIp, String headers, String body,
                                 String channel, String status, String dedupeKey, String note, Instant processedAt) {
        return Sql.of("""
                        insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status,
                          dedupe_key, note, processed_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                id, paymentId, Timestamp.from(receivedAt), sourceIp, headers, body, channel, status, dedupeKey, note,
                processedAt == null ? null : Timestamp.from(processedAt));
    }

    Optional<StoredCallback> find(String id) {
        tail.flush();
        return jdbc.sql("select id, payment_id, headers, body, channel, status from provider_callbacks where id = ?")
                .param(id)
                .query((rs, n) -> new StoredCallback(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .optional();
    }

    /** Moves a callback out of 'received' or 'parked'; false when another worker already did. */
    boolean finish(String id, String status, String dedupeKey, String note, Instant now) {
        tail.flush();
        return jdbc.sql(FINISH).params(status, dedupeKey, note, Timestamp.from(now), id).update() == 1;
    }

    /**
     * {@link #finish}, sent with the transaction's other last writes: for a callback whose row this
     * transaction holds (a parked one, under its payment's row lock), where nobody needs to know
     * whether it moved.
     */
    void finishAtCommit(String id, String status, String dedupeKey, String note, Instant now) {
        tail.atCommit(Sql.of(FINISH, status, dedupeKey, note, Timestamp.from(now), id));
    }

    /**
     * {@link #finishAtCommit} for a callback this instance parked and kept in memory: the commit
     * fails ({@link CommitTail.NotOneRow}) unless the stored row is still parked — a park that
     * rolled back, or a callback another worker decided meanwhile, is not decided again from the copy.
     */
    void finishKeptAtCommit(String id, String status, String dedupeKey, String note, Instant now) {
        tail.atCommitChangingOneRow(Sql.of(FINISH_WHERE_STATUS + "= 'parked'", status, dedupeKey, note, Timestamp.from(now), id),
                "callback " + id + " was no longer parked");
    }

    /**
     * Checks, with the transaction's last writes and after those queued before it, that no callback
     * is left parked for the payment: the transaction deciding its parked callbacks from the copies
     * this instance kept fails ({@link CommitTail.NotOneRow}) if another was parked that it did not
     * know of. Sound only once the transaction holds the payment's row, which every park locks first.
     */
    void noneParkedAtCommit(String paymentId) {
        // malipo_expect_one_row raises unless given 1: one minus the count is 1 only when none is left.
        tail.atCommitCheck(Sql.of("""
                        select malipo_expect_one_row(1 - count(*), ?) from provider_callbacks
                        where payment_id = ? and status = 'parked'""",
                "payment " + paymentId + " has parked callbacks this instance did not know of", paymentId));
    }

    boolean park(String id) {
        tail.flush();
        return jdbc.sql("update provider_callbacks set status = 'parked' where id = ? and status = 'received'")
                .param(id).update() == 1;
    }

    boolean unpark(String id) {
        tail.flush();
        return jdbc.sql("update provider_callbacks set status = 'received' where id = ? and status = 'parked'")
                .param(id).update() == 1;
    }

    List<StoredCallback> parkedFor(String paymentId) {
        tail.flush();
        return jdbc.sql("""
                        select id, payment_id, headers, body, channel, status from provider_callbacks
                        where payment_id = ? and status = 'parked' order by received_at""")
                .param(paymentId)
                .query((rs, n) -> new StoredCallback(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6)))
                .list();
    }

    boolean alreadyProcessed(String paymentId, String dedupeKey, String exceptId) {
        tail.flush();
        return jdbc.sql("""
                        select count(*) from provider_callbacks
                        where payment_id = ? and dedupe_key = ? and status = 'processed' and id <> ?""")
                .params(paymentId, dedupeKey, exceptId).query(Long.class).single() > 0;
    }
}
