package dev.malipo.gateway.support;

import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.merchants.Mode;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Pending payment rows written straight into the database, each for a merchant of its own with a
 * Daraja account (never called), for tests that drive what happens to a payment after creation.
 */
@Component
public class PendingPayments {
    private final MerchantService merchants;
    private final Connectors connectors;
    private final JdbcClient jdbc;

    PendingPayments(MerchantService merchants, Connectors connectors, JdbcClient jdbc) {
        this.merchants = merchants;
        this.connectors = connectors;
        this.jdbc = jdbc;
    }

    /** A new pending payment's id; {@code providerReference} null as creation leaves it, set as an answer leaves it. */
    public String insert(String idPrefix, String callbackToken, String providerReference, boolean answered) {
        String merchant = merchants.create(idPrefix + " " + System.nanoTime()).merchantId();
        String account = connectors.addAccount(merchant, "mpesa", "KE", Mode.TEST, URI.create("http://127.0.0.1:1"),
                Map.of("consumer-key", "k", "consumer-secret", "s", "short-code", "174379", "passkey", "p")).id();
        String id = "pay_" + idPrefix + System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MICROS));
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, reference, metadata,
                          provider, provider_account_id, provider_reference, callback_token, created_at, updated_at,
                          initiation_answered_at)
                        values (?, ?, 'collection', 'test', 'pending', 100, 'KES', '+254708374149', 'safaricom', 'R1', '{"a":"1"}',
                          'mpesa', ?, ?, ?, ?, ?, ?)""")
                .params(id, merchant, account, providerReference, callbackToken, now, now, answered ? now : null).update();
        return id;
    }

    /** A 32-hex-digit callback token no other test uses. */
    public static String token() {
        return String.format("%016x%016x", System.nanoTime(), Thread.currentThread().threadId());
    }
}
