package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.Gateways;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.SecretBox;
import dev.malipo.gateway.support.TestDatabase;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With production's default limit on where webhooks go (H2): a URL on this machine is refused
 * when registered, with a clear error and nothing written, and an endpoint that points at one
 * anyway (registered before the limit was set) gets failed attempts that say why, never a request.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
class BlockedWebhookTargetsTest {
    static final TestDatabase DB = TestDatabase.h2();
    static final int PORT = PostgresTestBase.freePort();
    static Sandbox sandbox;
    static WebhookReceiver receiver;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry r) {
        Gateways.register(r, DB, PORT);
        r.add("malipo.webhooks.blocked-cidrs", () -> String.join(",", MalipoProperties.Webhooks.DEFAULT_BLOCKED_CIDRS));
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
        DB.close();
    }

    final int port = PORT;
    @Autowired
    MerchantService merchants;
    @Autowired
    MerchantEndpoints endpoints;
    @Autowired
    SecretBox secretBox;
    @Autowired
    JdbcClient jdbc;
    String merchantId;
    ApiClient api;

    @BeforeEach
    void merchant() {
        MerchantService.NewMerchant m = merchants.create("Blocked " + UUID.randomUUID());
        merchantId = m.merchantId();
        api = new ApiClient("http://127.0.0.1:" + port, m.testKey());
    }

    @Test
    void anEndpointOnThisMachineIsRefusedAndNothingIsWritten() {
        ApiClient.Response r = api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null);
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.text("code")).isEqualTo("webhook_url_not_allowed");
        assertThat(r.text("field")).isEqualTo("url");
        assertThat(r.text("detail")).contains("127.0.0.1");
        assertThat(api.post("/v1/webhook_endpoints", "{\"url\":\"http://169.254.169.254/latest\"}", null).status()).isEqualTo(422);
        assertThat(jdbc.sql("select count(*) from webhook_endpoints where merchant_id = ?").param(merchantId)
                .query(Long.class).single()).isZero();

        assertThat(api.post("/v1/webhook_endpoints", "{\"url\":\"https://196.201.214.200/hooks\"}", null).status()).isEqualTo(201);
    }

    @Test
    void aPaymentWebhookUrlOnThisMachineIsRefusedBeforeAnythingIsCreated() {
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        // A number no other test here pays, so that the count of pushes to it is this test's alone.
        ApiClient.Response r = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374177\","
                + "\"webhook_url\":\"http://localhost:" + port + "/hooks\"}", UUID.randomUUID().toString());
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.text("code")).isEqualTo("webhook_url_not_allowed");
        assertThat(r.text("field")).isEqualTo("webhook_url");
        assertThat(jdbc.sql("select count(*) from payments where merchant_id = ?").param(merchantId).query(Long.class).single())
                .isZero();
        assertThat(sandbox.stkPushesTo("254708374177")).isZero();
    }

    @Test
    void anEndpointThatPointsThereAnywayGetsFailedAttemptsThatSayWhyAndNoRequest() {
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        // As if registered before the operator set the limit.
        endpoints.add(new WebhookRepository.Endpoint(Ids.newId("we"), merchantId, receiver.url(), List.of("*"),
                secretBox.seal(Ids.secret("whsec")), true, Instant.now()));
        int requestsBefore = receiver.requests();

        ApiClient.Response r = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374160\"}",
                UUID.randomUUID().toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String paymentId = r.text("id");
        Await.until("payment succeeded", Duration.ofSeconds(20), () -> "succeeded".equals(api.get("/v1/payments/" + paymentId).text("status")));

        // The test profile's retries: 5 attempts, 200 ms doubling, so the delivery gives up within seconds.
        Await.until("delivery given up", Duration.ofSeconds(30), () -> "failed".equals(deliveryStatus(paymentId)));
        List<String> errors = jdbc.sql("""
                        select a.error from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                        join payment_events e on e.id = d.event_id where e.payment_id = ? order by a.attempt_no""")
                .param(paymentId).query(String.class).list();
        assertThat(errors).hasSize(5).allSatisfy(e -> assertThat(e).contains("127.0.0.1").contains("malipo.webhooks.blocked-cidrs"));
        assertThat(receiver.requests()).isEqualTo(requestsBefore);
    }

    private String deliveryStatus(String paymentId) {
        return jdbc.sql("select d.status from webhook_deliveries d join payment_events e on e.id = d.event_id where e.payment_id = ?")
                .param(paymentId).query(String.class).optional().orElse(null);
    }
}
