package dev.malipo.gateway.webhooks;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

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

    private final JdbcClient jdbc;

    WebhookRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
        int inserted = jdbc.sql("""
                        insert into payment_events (id, merchant_id, payment_id, type, payload, created_at)
                        select ?, ?, ?, ?, ?, ? where not exists
                          (select 1 from payment_events where payment_id = ? and type = ?)""")
                .params(id, merchantId, paymentId, type, payload, Timestamp.from(now), paymentId, type)
                .update();
        return inserted == 1;
    }

    void insertDelivery(String id, String eventId, String endpointId, String url, Instant now) {
        jdbc.sql("""
                        insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at)
                        values (?, ?, ?, ?, 'pending', 0, ?)""")
                .params(id, eventId, endpointId, url, Timestamp.from(now)).update();
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

    void recordAttempt(String id, String deliveryId, int attemptNo, Instant at, Integer statusCode, long durationMs,
                       String error, boolean success) {
        jdbc.sql("""
                        insert into webhook_attempts (id, delivery_id, attempt_no, attempted_at, status_code, duration_ms, error, success)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(id, deliveryId, attemptNo, Timestamp.from(at), statusCode, durationMs, error, success).update();
    }

    void updateDelivery(String id, String status, int attempts, Integer lastStatus, Instant deliveredAt) {
        jdbc.sql("update webhook_deliveries set status = ?, attempts = ?, last_status_code = ?, delivered_at = ? where id = ?")
                .params(status, attempts, lastStatus, deliveredAt == null ? null : Timestamp.from(deliveredAt), id).update();
    }

    static boolean isDuplicate(RuntimeException e) {
        return e instanceof DuplicateKeyException;
    }
}
