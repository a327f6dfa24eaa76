package dev.malipo.gateway.idempotency;

import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Sql;
import dev.malipo.gateway.support.SqlDialect;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

@Repository
class IdempotencyRepository {
    record Row(String requestHash, String state, String resourceId, Integer responseStatus, String responseBody,
               Instant lockedAt) {
    }

    private final JdbcClient jdbc;
    private final SqlDialect dialect;
    private final CommitTail tail;

    IdempotencyRepository(JdbcClient jdbc, SqlDialect dialect, CommitTail tail) {
        this.jdbc = jdbc;
        this.dialect = dialect;
        this.tail = tail;
    }

    /**
     * Claims the key and makes {@code creation} (the resource's own INSERT), in one round trip where
     * the database allows it.
     *
     * @throws org.springframework.dao.DuplicateKeyException when the key is taken (nothing is created)
     */
    void claimWith(String merchantId, String key, String requestHash, String resourceId, Instant now, Sql creation) {
        dialect.writeTogether(jdbc, Sql.of("""
                        insert into idempotency_keys (merchant_id, idem_key, request_hash, state, resource_id, locked_at, created_at)
                        values (?, ?, ?, 'in_progress', ?, ?, ?)""",
                merchantId, key, requestHash, resourceId, Timestamp.from(now), Timestamp.from(now)), creation);
    }

    /** Whether {@link #claimWith} is one statement here (PostgreSQL), so it needs no transaction around it. */
    boolean claimsInOneStatement() {
        return dialect.postgres();
    }

    Optional<Row> find(String merchantId, String key) {
        return jdbc.sql("""
                        select request_hash, state, resource_id, response_status, response_body, locked_at
                        from idempotency_keys where merchant_id = ? and idem_key = ?""")
                .params(merchantId, key)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3),
                        (Integer) rs.getObject(4), rs.getString(5), rs.getTimestamp(6).toInstant()))
                .optional();
    }

    boolean takeOver(String merchantId, String key, Instant staleLock, Instant now) {
        return jdbc.sql("""
                        update idempotency_keys set locked_at = ?
                        where merchant_id = ? and idem_key = ? and state = 'in_progress' and locked_at = ?""")
                .params(Timestamp.from(now), merchantId, key, Timestamp.from(staleLock)).update() == 1;
    }

    /**
     * Ends a failed request's hold on its claim (which names the resource it created): the lock is
     * set to {@code stale}, already past the time-out, so a retry recovers the resource at once.
     * False when the claim has moved on since (completed, or held by another request).
     */
    boolean release(String merchantId, String key, Instant ourLock, Instant stale) {
        return jdbc.sql("""
                        update idempotency_keys set locked_at = ?
                        where merchant_id = ? and idem_key = ? and state = 'in_progress' and resource_id is not null
                          and locked_at = ?""")
                .params(Timestamp.from(stale), merchantId, key, Timestamp.from(ourLock)).update() == 1;
    }

    /** Names the resource on a claim this request took over; false when someone else took it since. */
    boolean linkTakenOver(String merchantId, String key, String resourceId, Instant ourLock) {
        return jdbc.sql("""
                        update idempotency_keys set resource_id = ?
                        where merchant_id = ? and idem_key = ? and state = 'in_progress' and resource_id is null
                          and locked_at = ?""")
                .params(resourceId, merchantId, key, Timestamp.from(ourLock)).update() == 1;
    }

    /** Runs the resource's own INSERT, for a claim that was already made (taken over). */
    void create(Sql creation) {
        creation.update(jdbc);
    }

    /**
     * Stores the key's answer with the transaction's other last writes (CommitTail): nothing reads
     * the key again in the transaction that decides its answer.
     */
    void complete(String merchantId, String key, int status, String body) {
        tail.atCommit(Sql.of("""
                        update idempotency_keys set state = 'completed', response_status = ?, response_body = ?
                        where merchant_id = ? and idem_key = ?""",
                status, body, merchantId, key));
    }
}
