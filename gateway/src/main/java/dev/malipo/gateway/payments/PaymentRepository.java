package dev.malipo.gateway.payments;

import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.payment.FailureReason;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Sql;
import dev.malipo.gateway.support.SqlDialect;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Stored payments. A status change may be queued to go with its transaction's last writes
 * ({@link #transitionAtCommit}), so every other method first sends what its transaction queued
 * (usually nothing): no read or write here ever misses a queued change.
 */
@Repository
public class PaymentRepository {
    private static final String TRANSITION = """
            update payments set status = ?, updated_at = ?, completed_at = ?,
              first_check_at = case when cast(? as boolean) then null else first_check_at end,
              receipt = coalesce(?, receipt),
              failure_code = ?, failure_message = ?, failure_customer_message = ?, failure_retryable = ?,
              provider_code = ?, provider_message = ?
            where id = ? and status = ?""";

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final SqlDialect dialect;
    private final CommitTail tail;
    private final ParkedHere parkedHere;
    private final RowMapper<Payment> mapper = this::map;

    PaymentRepository(JdbcClient jdbc, JsonMapper json, SqlDialect dialect, CommitTail tail, ParkedHere parkedHere) {
        this.jdbc = jdbc;
        this.json = json;
        this.dialect = dialect;
        this.tail = tail;
        this.parkedHere = parkedHere;
    }

    /**
     * The INSERT of a new payment, for the idempotency key's claim to send along with it.
     *
     * @param firstCheckAt when reconciliation first asks the provider, should the payment not have settled by then
     */
    Sql insertion(Payment p, Instant firstCheckAt) {
        return Sql.of("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference,
                          description, metadata, webhook_url, provider, provider_account_id, callback_token, created_at, updated_at,
                          first_check_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                p.id(), p.merchantId(), kindName(p.kind()), p.mode().dbName(), p.status().apiName(),
                p.amount().amount(), p.amount().currencyCode(), p.phone(), p.network(), p.reference(),
                p.description(), json.writeValueAsString(p.metadata()), p.webhookUrl(), p.provider(),
                p.providerAccountId(), p.callbackToken(), ts(p.createdAt()), ts(p.updatedAt()), ts(firstCheckAt));
    }

    /**
     * Payments whose first check is due and not yet handed to reconciliation, oldest first.
     */
    public List<String> firstChecksDue(Instant now, int limit) {
        tail.flush();
        return jdbc.sql("select id from payments where first_check_at <= ? order by first_check_at limit ?")
                .params(ts(now), limit).query(String.class).list();
    }

    /**
     * Takes a payment's first check off the sweep; false when another sweep took it first, or the
     * payment settled meanwhile (settling clears the time). A check handed over for a payment that
     * has just settled finds it final and does nothing.
     */
    public boolean takeFirstCheck(String id) {
        tail.flush();
        return jdbc.sql("update payments set first_check_at = null where id = ? and first_check_at is not null")
                .param(id).update() == 1;
    }

    public Optional<Payment> find(String id) {
        tail.flush();
        return jdbc.sql("select * from payments where id = ?").param(id).query(mapper).optional();
    }

    public Optional<Payment> findForMerchant(String merchantId, TransactionKind kind, String id) {
        tail.flush();
        return jdbc.sql("select * from payments where id = ? and merchant_id = ? and kind = ?")
                .params(id, merchantId, kindName(kind)).query(mapper).optional();
    }

    /** The payment a callback token names, its row locked until the transaction ends. */
    public Optional<Payment> lockByCallbackToken(String token) {
        tail.flush();
        return jdbc.sql("select * from payments where callback_token = ? for update").param(token).query(mapper).optional();
    }

    /** The payment, its row locked until the transaction ends. */
    public Payment lock(String id) {
        tail.flush();
        return jdbc.sql("select * from payments where id = ? for update").param(id).query(mapper).single();
    }

    public Optional<String> idByCallbackToken(String token) {
        tail.flush();
        return jdbc.sql("select id from payments where callback_token = ?").param(token).query(String.class).optional();
    }

    /** Newest first; the cursor is the last row of the previous page. */
    List<Payment> list(String merchantId, TransactionKind kind, Mode mode, PaymentStatus status, Instant createdGte,
                       Instant createdLt, PageCursor after, int limit) {
        tail.flush();
        StringBuilder sql = new StringBuilder("select * from payments where merchant_id = ? and kind = ? and mode = ?");
        List<Object> params = new ArrayList<>(List.of(merchantId, kindName(kind), mode.dbName()));
        if (status != null) {
            sql.append(" and status = ?");
            params.add(status.apiName());
        }
        if (createdGte != null) {
            sql.append(" and created_at >= ?");
            params.add(ts(createdGte));
        }
        if (createdLt != null) {
            sql.append(" and created_at < ?");
            params.add(ts(createdLt));
        }
        if (after != null) {
            sql.append(" and (created_at < ? or (created_at = ? and id < ?))");
            params.add(ts(after.createdAt()));
            params.add(ts(after.createdAt()));
            params.add(after.id());
        }
        sql.append(" order by created_at desc, id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(mapper).list();
    }

    /**
     * Records that the initiation call came back; the provider's reference is kept if it gave one.
     *
     * @return the payment as this left it (its row now locked), or empty when its answer was
     * already recorded
     */
    Optional<AnswerStored> markInitiationAnswered(String id, String providerReference, Instant now) {
        tail.flush();
        return jdbc.sql(dialect.returningAll("""
                        update payments set initiation_answered_at = ?, updated_at = ?,
                          provider_reference = coalesce(provider_reference, ?)
                        where id = ? and initiation_answered_at is null"""))
                .params(ts(now), ts(now), providerReference, id)
                .query((rs, n) -> new AnswerStored(map(rs, n), rs.getBoolean("callbacks_parked"))).optional();
    }

    /**
     * {@link #markInitiationAnswered} for the payment this instance has just inserted, when no
     * callback is known to have been parked for it: the UPDATE goes with the transaction's last
     * writes ({@link CommitTail}) and the row it leaves is worked out from {@code inserted}, not
     * read back. Should the row not be as assumed — answered already, or a callback parked
     * meanwhile (by another instance, or just now) — the commit fails with
     * {@link CommitTail.NotOneRow} and nothing of the transaction is stored.
     *
     * @param inserted the payment as inserted, its times in whole microseconds (as stored)
     */
    Payment answerAtCommit(Payment inserted, String providerReference, Instant at) {
        return answerAtCommit(inserted, providerReference, at, false);
    }

    /**
     * {@link #answerAtCommit} for a payment this instance has parked callbacks for (and kept them,
     * see {@link ParkedHere}): the row is assumed parked instead. That other callbacks were not
     * parked meanwhile is for the transaction to check, once this UPDATE holds the row: every park
     * takes the row's lock first, so none can slip in after it.
     */
    Payment answerAtCommitWithParked(Payment inserted, String providerReference, Instant at) {
        return answerAtCommit(inserted, providerReference, at, true);
    }

    private Payment answerAtCommit(Payment inserted, String providerReference, Instant at, boolean parked) {
        if (!answersAtCommit()) throw new IllegalStateException("the answer goes with the commit on PostgreSQL only");
        Instant now = at.truncatedTo(ChronoUnit.MICROS);
        tail.atCommitChangingOneRow(Sql.of("""
                        update payments set initiation_answered_at = ?, updated_at = ?,
                          provider_reference = coalesce(provider_reference, ?)
                        where id = ? and initiation_answered_at is null and\s""" + (parked ? "callbacks_parked" : "not callbacks_parked"),
                        ts(now), ts(now), providerReference, inserted.id()),
                "payment " + inserted.id() + " was answered already, or its parked callbacks were not as this instance knew them");
        return new Payment(inserted.id(), inserted.merchantId(), inserted.kind(), inserted.mode(), inserted.status(),
                inserted.amount(), inserted.phone(), inserted.network(), inserted.reference(), inserted.description(),
                inserted.metadata(), inserted.webhookUrl(), inserted.provider(), inserted.providerAccountId(),
                inserted.providerReference() != null ? inserted.providerReference() : providerReference, inserted.receipt(),
                inserted.failure(), inserted.callbackToken(), now, inserted.createdAt(), now, inserted.completedAt());
    }

    /**
     * Whether {@link #answerAtCommit} may be used: on PostgreSQL, whose UPDATE, having waited for a
     * row lock that a parking callback held, checks its WHERE again on the row as that callback
     * committed it — so a park that commits first always fails the check. Not relied on with H2
     * (dev mode), which keeps the answer's UPDATE first, under the lock it takes.
     */
    public boolean answersAtCommit() {
        return dialect.postgres();
    }

    /** The payment as storing its initiation's answer left it, and whether callbacks were parked before. */
    record AnswerStored(Payment payment, boolean callbacksParked) {
    }

    /**
     * Notes, under the payment's row lock, that a callback was parked for it, so that the
     * transaction storing the initiation's answer looks for it (see V4__callbacks_parked_flag).
     */
    public void markCallbacksParked(String id) {
        tail.flush();
        callbacksParkedMark(id, null).update(jdbc);
    }

    /**
     * {@link #markCallbacksParked} as a statement, for the parked callback's INSERT to send along.
     *
     * @param callback the callback, kept here for the answer to decide without reading it back; null when not kept
     */
    public Sql callbacksParkedMark(String id, ParkedCallback callback) {
        // Before the park commits: a park that then rolls back only costs the answer its shortcut.
        parkedHere.noteParked(id, callback);
        return Sql.of("update payments set callbacks_parked = true where id = ?", id);
    }

    /**
     * The payment whose initiation's answer this instance is waiting for, by its callback token
     * (null when none): a callback for it can be parked without first reading the row
     * ({@link #markParkedAtCommit}).
     */
    public String awaitingAnswerHere(String callbackToken) {
        return parkedHere.awaitedPayment(callbackToken);
    }

    /**
     * Notes, with the transaction's last writes, that {@code callback} was parked for a payment
     * whose answer this instance awaits, without having read or locked its row first: the UPDATE
     * takes the lock, and the commit fails with {@link CommitTail.NotOneRow} (nothing stored) if
     * the answer was stored meanwhile — the callback is then decided the usual way.
     */
    public void markParkedAtCommit(String paymentId, String callbackToken, ParkedCallback callback) {
        parkedHere.noteParked(paymentId, callback);
        tail.atCommitChangingOneRow(Sql.of("""
                        update payments set callbacks_parked = true
                        where id = ? and callback_token = ? and initiation_answered_at is null""", paymentId, callbackToken),
                "payment " + paymentId + "'s initiation answer was stored before its callback could be parked");
    }

    public int setProviderReferenceIfMissing(String id, String providerReference, Instant now) {
        tail.flush();
        return jdbc.sql("update payments set provider_reference = ?, updated_at = ? where id = ? and provider_reference is null")
                .params(providerReference, ts(now), id).update();
    }

    /**
     * The one way a status changes: conditional on the status the caller saw.
     *
     * @return the payment as the change left it, or empty when it was no longer in {@code from}
     */
    Optional<Payment> transition(String id, PaymentStatus from, PaymentStatus to, String receipt, FailureReason failure,
                                 Instant now) {
        tail.flush();
        return jdbc.sql(dialect.returningAll(TRANSITION)).params(transitionArgs(id, from, to, receipt, failure, now))
                .query(mapper).optional();
    }

    /**
     * {@link #transition} for a payment whose row this transaction has locked, so its status cannot
     * have moved since it was read — or whose stored copy this instance trusts only as far as the
     * database's check goes ({@link AnsweredHere}): the UPDATE goes with the transaction's last
     * writes ({@link CommitTail}) and the payment as it leaves it is worked out here, not read back.
     * Should the UPDATE find the status moved, the commit fails ({@link CommitTail.NotOneRow}).
     *
     * @return the payment as the change leaves it
     */
    Payment transitionAtCommit(Payment held, PaymentStatus to, String receipt, FailureReason failure, Instant at) {
        Instant now = at.truncatedTo(ChronoUnit.MICROS); // what both databases keep of it
        tail.atCommitChangingOneRow(new Sql(TRANSITION, transitionArgs(held.id(), held.status(), to, receipt, failure, now)),
                "payment " + held.id() + " was no longer " + held.status().apiName() + " when its change was committed");
        return new Payment(held.id(), held.merchantId(), held.kind(), held.mode(), to, held.amount(), held.phone(), held.network(),
                held.reference(), held.description(), held.metadata(), held.webhookUrl(), held.provider(),
                held.providerAccountId(), held.providerReference(), receipt != null ? receipt : held.receipt(), failure,
                held.callbackToken(), held.initiationAnsweredAt(), held.createdAt(), now, to.isTerminal() ? now : null);
    }

    private static List<Object> transitionArgs(String id, PaymentStatus from, PaymentStatus to, String receipt,
                                               FailureReason failure, Instant now) {
        return Arrays.asList(to.apiName(), ts(now), to.isTerminal() ? ts(now) : null, to.isTerminal(), receipt,
                failure == null ? null : failure.code(), failure == null ? null : failure.message(),
                failure == null ? null : failure.customerMessage(), failure == null ? null : failure.retryable(),
                failure == null ? null : failure.providerCode(), failure == null ? null : failure.providerMessage(),
                id, from.apiName());
    }

    private Payment map(ResultSet rs, int n) throws SQLException {
        String failureCode = rs.getString("failure_code");
        FailureReason failure = failureCode == null ? null : new FailureReason(failureCode, rs.getString("failure_message"),
                rs.getString("failure_customer_message"), rs.getBoolean("failure_retryable"), rs.getString("provider_code"),
                rs.getString("provider_message"));
        String metadata = rs.getString("metadata");
        return new Payment(rs.getString("id"), rs.getString("merchant_id"),
                TransactionKind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT)), Mode.fromDb(rs.getString("mode")),
                PaymentStatus.fromApiName(rs.getString("status")),
                Money.of(rs.getBigDecimal("amount"), rs.getString("currency")), rs.getString("phone"),
                rs.getString("network"), rs.getString("reference"), rs.getString("description"),
                metadata == null ? Map.of() : json.readValue(metadata, new TypeReference<Map<String, String>>() {
                }),
                rs.getString("webhook_url"), rs.getString("provider"), rs.getString("provider_account_id"),
                rs.getString("provider_reference"), rs.getString("receipt"), failure, rs.getString("callback_token"),
                instant(rs, "initiation_answered_at"), instant(rs, "created_at"), instant(rs, "updated_at"),
                instant(rs, "completed_at"));
    }

    static String kindName(TransactionKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
