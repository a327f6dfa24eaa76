package dev.malipo.gateway.idempotency;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Keys past their retention are forgotten (a new request again); younger ones still replay. */
class IdempotencyKeyExpiryTest extends PostgresTestBase {
    static Sandbox sandbox;

    @Autowired
    IdempotencyKeyExpiry expiry;
    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JdbcTemplate batch;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void aKeyPastItsRetentionIsANewRequestAndAYoungerOneStillReplays() {
        MerchantService.NewMerchant m = merchants.create("Expiry " + UUID.randomUUID());
        ApiClient api = new ApiClient(baseUrl(), m.testKey());
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        String body = "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374160\"}";
        String old = UUID.randomUUID().toString(), young = UUID.randomUUID().toString();
        String oldPayment = api.post("/v1/payments", body, old).text("id");
        String youngPayment = api.post("/v1/payments", body, young).text("id");
        jdbc.sql("update idempotency_keys set created_at = ? where merchant_id = ? and idem_key = ?")
                .params(Timestamp.from(Instant.now().minus(Duration.ofHours(25))), m.merchantId(), old).update();

        expiry.expire();
        assertThat(jdbc.sql("select count(*) from idempotency_keys where merchant_id = ? and idem_key = ?")
                .params(m.merchantId(), old).query(Long.class).single()).isZero();

        ApiClient.Response again = api.post("/v1/payments", body, old);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.text("id")).isNotEqualTo(oldPayment);
        assertThat(again.headers()).doesNotContainKey("idempotent-replayed");
        ApiClient.Response replay = api.post("/v1/payments", body, young);
        assertThat(replay.text("id")).isEqualTo(youngPayment);
        assertThat(replay.headers().get("idempotent-replayed")).containsExactly("true");
    }

    @Test
    void manyOldKeysGoInSeveralShortBatches() {
        String merchant = merchants.create("Expiry batch " + UUID.randomUUID()).merchantId();
        // Younger than the configured retention (24 h), so the application's own run leaves them alone.
        Timestamp longAgo = Timestamp.from(Instant.now().minus(Duration.ofHours(23)));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 2500; i++) rows.add(new Object[]{merchant, "k" + i, "h", longAgo, longAgo});
        batch.batchUpdate("""
                insert into idempotency_keys (merchant_id, idem_key, request_hash, state, locked_at, created_at)
                values (?, ?, ?, 'completed', ?, ?)""", rows);

        // More than one batch (1,000) holds: the loop must go round.
        assertThat(expiry.expireCreatedBefore(Instant.now().minus(Duration.ofHours(22)))).isGreaterThanOrEqualTo(2500);
        assertThat(jdbc.sql("select count(*) from idempotency_keys where merchant_id = ?").param(merchant)
                .query(Long.class).single()).isZero();
    }
}
