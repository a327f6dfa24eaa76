package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.Sql;
import dev.malipo.gateway.support.SqlDialect;
import dev.malipo.gateway.support.WriteBehind;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

@Repository
class WebhookRepository {
    record Endpoint(String id, String merchantId, String url, List<String> events, String secretEnc, boolean enabled,
                    Instant createdAt) {
        boolean wants(String eventType) {
            return events.contains("*") || events.contains(eventType);
        }
    }

    record Delivery(String id, String eventId, String endpointId, String url, String status, int attempts,
                    String merchantId, String payload) {
    }

    /** What one attempt found, and where it leaves the delivery. */
    record Attempt(String id, String deliveryId, int attemptNo, Instant at, Integer statusCode, long durationMs,
                   String error, boolean success, String deliveryStatus, Instant deliveredAt) {
    }

    private static final String INSERT_ATTEMPT = """
            insert into webhook_attempts (id, delivery_id, attempt_no, attempted_at, status_code, duration_ms, error, success)
            values (?, ?, ?, ?, ?, ?, ?, ?)""";
    // A delivery that has ended needs no safety net; one still pending keeps its time, or has none
    // left once handed to its job.
    private static final String UPDATE_DELIVERY = """
            update webhook_deliveries set status = ?, attempts = ?, last_status_code = ?, delivered_at = ?,
              safety_net_at = case when cast(? as boolean) then safety_net_at else null end
            where id = ?""";

    private final JdbcClient jdbc;
    private final WriteBehind writeBehind;
    private final SqlDialect dialect;
    private final CommitTail tail;

    WebhookRepository(JdbcClient jdbc, WriteBehind writeBehind, SqlDialect dialect, CommitTail tail) {
        this.jdbc = jdbc;
        this.writeBehind = writeBehind;
        this.dialect = dialect;
        this.tail = tail;
    }

    void insertEndpoint(Endpoint e) {
        jdbc.sql("insert into webhook_endpoints (id, merchant_id, url, events, secret_enc, enabled, created_at) values (?, ?, ?, ?, ?, ?, ?)")
                .params(e.id(), e.merchantId(), e.url(), String.join(",", e.events()), e.secretEnc(), e.enabled(),
                        Timestamp.from(e.createdAt()))
                .update();
    }

    List<Endpoint> endpoints(String merchantId) {
        return jdbc.sql("select * from webhook_endpoints where merchant_id = ? order by created_at").param(merchantId)
                .query((rs, n) -> new Endpoint(rs.getString("id"), rs.getString("merchant_id"), rs.getString("url"),
                        Arrays.asList(rs.getString("events").split(",")), rs.getString("secret_enc"),
                        rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    Optional<String> endpointSecretEnc(String endpointId) {
        return jdbc.sql("select secret_enc from webhook_endpoints where id = ?").param(endpointId).query(String.class).optional();
    }

    /** @return false when this state change already has its event (a duplicate changes nothing) */
    boolean insertEvent(String id, String merchantId, String paymentId, String type, String payload, Instant now) {
        return eventInsertion(id, merchantId, paymentId, type, payload, now).update(jdbc) == 1;
    }

    /** The event's INSERT: nothing when the payment already has an event of this type. */
    private static Sql eventInsertion(String id, String merchantId, String paymentId, String type, String payload, Instant now) {
        return Sql.of("""
                        insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)
                        select ?, ?, ?, ?, ?, ? where not exists
                          (select 1 from payment_events where payment_id = ? and type = ?)""",
                id, merchantId, paymentId, type, payload, Timestamp.from(now), paymentId, type);
    }

    /** A delivery to create with its event. */
    record NewDelivery(String id, String endpointId, String url) {
    }

    /**
     * Stores the event and its deliveries, or nothing when the payment already has an event of
     * this type. On PostgreSQL in one statement (the event's INSERT as a data-modifying WITH), sent
     * with the transaction's other last writes ({@link CommitTail}): nothing reads them back before
     * the commit.
     *
     * @param safetyNetAt when the deliveries' jobs take over, should they still be pending then
     * @param onNew       run, inside the transaction, once the event is stored and was new (with its deliveries)
     */
    void insertEventWithDeliveries(String id, String merchantId, String paymentId, String type, String payload, Instant now,
                                   Instant safetyNetAt, List<NewDelivery> deliveries, Runnable onNew) {
        if (!dialect.postgres()) {
            if (!insertEvent(id, merchantId, paymentId, type, payload, now)) return;
            for (NewDelivery d : deliveries) insertDelivery(d.id(), id, d.endpointId(), d.url(), now, safetyNetAt);
            onNew.run();
            return;
        }
        Sql event = eventInsertion(id, merchantId, paymentId, type, payload, now);
        if (deliveries.isEmpty()) {
            tail.atCommit(event, rows -> {
                if (rows > 0) onNew.run();
            });
            return;
        }
        List<Object> args = new ArrayList<>(event.args());
        args.add(Timestamp.from(now));
        args.add(Timestamp.from(safetyNetAt));
        StringJoiner rows = new StringJoiner(", ");
        for (NewDelivery d : deliveries) {
            rows.add("(?, ?, ?)");
            args.add(d.id());
            args.add(d.endpointId());
            args.add(d.url());
        }
        tail.atCommit(new Sql("""
                with event as (%s returning id)
                insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                select d.id, event.id, d.endpoint_id, d.url, 'pending', 0,
                  cast(? as timestamp with time zone), cast(? as timestamp with time zone)
                from event, (values %s) as d (id, endpoint_id, url)""".formatted(event.text(), rows), args), inserted -> {
            if (inserted > 0) onNew.run();
        });
    }

    /** @param safetyNetAt when the delivery's job takes over, should it still be pending then */
    void insertDelivery(String id, String eventId, String endpointId, String url, Instant now, Instant safetyNetAt) {
        jdbc.sql("""
                        insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                        values (?, ?, ?, ?, 'pending', 0, ?, ?)""")
                .params(id, eventId, endpointId, url, Timestamp.from(now), Timestamp.from(safetyNetAt)).update();
    }

    /** Deliveries whose safety net is due and that have not been handed to their job, oldest first. */
    List<String> safetyNetsDue(Instant now, int limit) {
        return jdbc.sql("select id from webhook_deliveries where safety_net_at <= ? order by safety_net_at limit ?")
                .params(Timestamp.from(now), limit).query(String.class).list();
    }

    /**
     * Takes a delivery's safety net off the sweep; false when another sweep took it first. Not
     * conditional on the status, so a row whose time was somehow left behind still leaves the sweep
     * (its job then finds the delivery ended and does nothing).
     */
    boolean takeSafetyNet(String id) {
        return jdbc.sql("update webhook_deliveries set safety_net_at = null where id = ? and safety_net_at is not null")
                .param(id).update() == 1;
    }

    Optional<Delivery> delivery(String id) {
        return jdbc.sql("""
                        select d.id, d.event_id, d.endpoint_id, d.url, d.status, d.attempts, e.merchant_id, e.payload
                        from webhook_deliveries d join payment_events e on e.id = d.event_id where d.id = ?""")
                .param(id)
                .query((rs, n) -> new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), rs.getString(7), rs.getString(8)))
                .optional();
    }

    /** Records the attempt in the caller's transaction. */
    void record(Attempt a) {
        jdbc.sql(INSERT_ATTEMPT).params(attemptRow(a)).update();
        jdbc.sql(UPDATE_DELIVERY).params(deliveryRow(a)).update();
    }

    /**
     * Records the attempt a moment later, batched with others: for a first attempt, whose delivery
     * still has its safety net should the record be lost.
     */
    void recordSoon(Attempt a) {
        writeBehind.later(INSERT_ATTEMPT, attemptRow(a));
        writeBehind.later(UPDATE_DELIVERY, deliveryRow(a));
    }

    private static Object[] attemptRow(Attempt a) {
        return new Object[]{a.id(), a.deliveryId(), a.attemptNo(), Timestamp.from(a.at()), a.statusCode(), a.durationMs(),
                a.error(), a.success()};
    }

    private static Object[] deliveryRow(Attempt a) {
        return new Object[]{a.deliveryStatus(), a.attemptNo(), a.statusCode(),
                a.deliveredAt() == null ? null : Timestamp.from(a.deliveredAt()), "pending".equals(a.deliveryStatus()),
                a.deliveryId()};
    }

    static boolean isDuplicate(RuntimeException e) {
        return e instanceof DuplicateKeyException;
    }
}
