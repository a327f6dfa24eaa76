package dev.malipo.gateway.reconciliation;

import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway died after storing a payment and before the provider's answer came back: nobody
 * knows whether the push was sent. The status check must say UNKNOWN (and emit it), never
 * FAILED or EXPIRED, and must not invent an outcome without a provider reference to ask about.
 */
class CrashDuringInitiationTest extends PostgresTestBase {
    @Autowired
    PaymentChecker checker;
    @Autowired
    MerchantService merchants;
    @Autowired
    Connectors connectors;
    @Autowired
    JdbcClient jdbc;

    @Test
    void anInitiationThatNeverCameBackBecomesUnknownNotFailed() {
        String merchant = merchants.create("Crash " + System.nanoTime()).merchantId();
        String account = connectors.addAccount(merchant, "mpesa", "KE", Mode.TEST, URI.create("http://127.0.0.1:1"),
                Map.of("consumer-key", "k", "consumer-secret", "s", "short-code", "174379", "passkey", "p")).id();
        String id = "pay_crash" + System.nanoTime();
        // Created a minute ago (the test request timeout is 1 s), initiation answer never stored.
        Timestamp created = Timestamp.from(Instant.now().minusSeconds(60));
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, provider,
                          provider_account_id, callback_token, created_at, updated_at)
                        values (?, ?, 'collection', 'test', 'pending', 100, 'KES', '+254708374149', 'safaricom', 'mpesa', ?, ?, ?, ?)""")
                .params(id, merchant, account, Long.toHexString(System.nanoTime()) + "0a1b2c3d4e5f6071", created, created).update();

        checker.check(id + "#1");

        assertThat(jdbc.sql("select status from payments where id = ?").param(id).query(String.class).single()).isEqualTo("unknown");
        assertThat(jdbc.sql("select initiation_answered_at is not null from payments where id = ?").param(id)
                .query(Boolean.class).single()).isTrue();
        assertThat(jdbc.sql("select type from payment_events where payment_id = ?").param(id).query(String.class).list())
                .containsExactly("payment.unknown");
        // Asking again changes nothing: there is no CheckoutRequestID to query, and a timer never settles UNKNOWN.
        checker.check(id + "#2");
        assertThat(jdbc.sql("select status from payments where id = ?").param(id).query(String.class).single()).isEqualTo("unknown");
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ?").param(id).query(Long.class).single()).isEqualTo(1);
    }
}
