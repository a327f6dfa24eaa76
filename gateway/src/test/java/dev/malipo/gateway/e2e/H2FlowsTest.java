package dev.malipo.gateway.e2e;

import dev.malipo.gateway.idempotency.IdempotencyKeyExpiry;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Gateways;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.TestDatabase;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same SQL path on H2 (dev mode's database): the flows that exercise every table and job —
 * success, duplicate callback, parked callback with UNKNOWN resolved by query, status check.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
class H2FlowsTest {
    static final TestDatabase DB = TestDatabase.h2();
    static final int PORT = PostgresTestBase.freePort();
    static Sandbox sandbox;
    static WebhookReceiver receiver;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Gateways.register(r, DB, PORT);
    }

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start();
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        sandbox.close();
    }

    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    ApiClient api;

    @Test
    void theDatabaseRunsInPostgreSqlModeThoughItsUrlDoesNotSaySo() {
        assertThat(DB.url()).doesNotContainIgnoringCase("MODE=");
        assertThat(jdbc.sql("select setting_value from information_schema.settings where setting_name = 'MODE'")
                .query(String.class).single()).isEqualToIgnoringCase("PostgreSQL");
        // DEFAULT_NULL_ORDERING=HIGH: NULLs last in ascending order, as PostgreSQL sorts them (H2's default: first).
        assertThat(jdbc.sql("select v from (values (1), (cast(null as int))) as t (v) order by v")
                .query((rs, i) -> rs.getObject(1)).list()).containsExactly(1, null);
    }

    @BeforeEach
    void merchant() {
        api = new ApiClient("http://127.0.0.1:" + PORT, merchants.create("H2 " + UUID.randomUUID()).testKey());
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        receiver.secret(api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null).text("secret"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"254708374160,succeeded", "254708374005,succeeded", "254708374006,succeeded", "254708374008,succeeded",
            "254708374002,failed"})
    void flowsEndWithOneSignedWebhook(String phone, String status) {
        ApiClient.Response r = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"" + phone + "\"}",
                UUID.randomUUID().toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.text("id");
        WebhookReceiver.Received hook = receiver.await(id, h -> h.type().equals("payment." + status), Duration.ofSeconds(20));
        assertThat(hook.signatureValid()).isTrue();
        assertThat(api.get("/v1/payments/" + id).text("status")).isEqualTo(status);
        assertThat(receiver.forPayment(id).stream().filter(h -> h.type().equals("payment." + status)).count()).isEqualTo(1);
    }

    @Autowired
    IdempotencyKeyExpiry expiry;

    @Test
    void keysPastTheirRetentionAreForgotten() {
        String body = "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374160\"}";
        String key = UUID.randomUUID().toString();
        String first = api.post("/v1/payments", body, key).text("id");
        assertThat(expiry.expireCreatedBefore(Instant.now().plusSeconds(1))).isGreaterThanOrEqualTo(1);
        ApiClient.Response again = api.post("/v1/payments", body, key);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.text("id")).isNotEqualTo(first);
    }
}
