package dev.malipo.gateway.e2e;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every row of TEST_NUMBERS.md, end to end on PostgreSQL: merchant API → Daraja connector → Daraja
 * emulator (real HTTP) → callback → Malipo → signed merchant webhook.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class DarajaFlowsTest extends PostgresTestBase {
    static Sandbox sandbox;
    static WebhookReceiver receiver;
    static final Duration WAIT = Duration.ofSeconds(20);

    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;

    ApiClient api;

    @BeforeAll
    static void startSandbox() throws Exception {
        sandbox = Sandbox.start();
        receiver = new WebhookReceiver();
    }

    @AfterAll
    static void stopSandbox() {
        receiver.close();
        sandbox.close();
    }

    @BeforeEach
    void merchantWithDarajaAccountAndEndpoint() {
        MerchantService.NewMerchant m = merchants.create("Flows " + UUID.randomUUID());
        api = new ApiClient(baseUrl(), m.testKey());
        ApiClient.Response account = api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null);
        assertThat(account.status()).as(account.body()).isEqualTo(201);
        ApiClient.Response endpoint = api.post("/v1/webhook_endpoints",
                "{\"url\":\"" + receiver.url() + "\",\"events\":[\"*\"]}", null);
        assertThat(endpoint.status()).as(endpoint.body()).isEqualTo(201);
        receiver.secret(endpoint.text("secret"));
    }

    private ApiClient.Response pay(String phone, String amount) {
        return api.post("/v1/payments", "{\"amount\":\"" + amount + "\",\"currency\":\"KES\",\"phone\":\"" + phone
                + "\",\"reference\":\"INV42\",\"description\":\"Order 42\",\"metadata\":{\"order\":\"42\"}}", UUID.randomUUID().toString());
    }

    @ParameterizedTest(name = "{0} → {1} {2}")
    @CsvSource({
            "254708374149, succeeded,",
            "254708374001, failed, cancelled_by_customer",
            "254708374002, failed, insufficient_funds",
            "254708374003, failed, wrong_pin",
            "254708374004, failed, customer_unreachable",
            "254708374009, succeeded,",
    })
    void customerBehaviourDecidesTheOutcome(String phone, String status, String failureCode) {
        ApiClient.Response created = pay(phone, "100");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("pending");
        String id = created.text("id");
        assertThat(id).startsWith("pay_");

        WebhookReceiver.Received hook = receiver.await(id, r -> r.type().equals("payment." + status), WAIT);
        assertThat(hook.signatureValid()).isTrue();
        ApiClient.Response after = api.get("/v1/payments/" + id);
        assertThat(after.text("status")).isEqualTo(status);
        if (failureCode != null) {
            assertThat(after.json().get("failure").get("code").asString()).isEqualTo(failureCode);
            assertThat(after.json().get("failure").get("provider_code").asString()).isNotBlank();
        } else {
            assertThat(after.text("receipt")).isNotBlank();
        }
        assertThat(receiver.forPayment(id)).hasSize(1);
    }

    @Test
    void callbackSentTwiceGivesExactlyOneWebhook() {
        String id = pay("254708374005", "100").text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        // Wait until both deliveries of the callback have been processed, then count webhooks.
        awaitCallbacksDone(id, 2);
        assertThat(receiver.forPayment(id)).hasSize(1);
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ?").param(id).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void callbackNeverSentIsSettledByTheStatusCheck() {
        String id = pay("254708374006", "100").text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        assertThat(jdbc.sql("select count(*) from provider_callbacks where payment_id = ?").param(id).query(Long.class).single()).isZero();
    }

    @Test
    void providerErrorAtInitiationIsARetrySafeErrorAndNothingIsCharged() {
        ApiClient.Response r = pay("254708374007", "100");
        assertThat(r.status()).as(r.body()).isEqualTo(502);
        assertThat(r.text("code")).isEqualTo("provider_unavailable");
        String id = r.text("payment_id");
        assertThat(api.get("/v1/payments/" + id).text("status")).isEqualTo("failed");
        assertThat(api.get("/v1/payments/" + id).json().get("failure").get("retryable").asBoolean()).isTrue();
        assertThat(sandbox.stkPushesTo("254708374007")).isZero();
        receiver.await(id, h -> h.type().equals("payment.failed"), WAIT);
        // The same key replays the same error, naming the same payment: no second attempt.
        ApiClient.Response again = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374007\"}",
                "same-007-key");
        ApiClient.Response replay = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374007\"}",
                "same-007-key");
        assertThat(replay.status()).isEqualTo(502);
        assertThat(replay.text("payment_id")).isEqualTo(again.text("payment_id"));
    }

    @Test
    void timeoutAfterAcceptIsUnknownThenReconciledToSucceeded(org.springframework.boot.test.system.CapturedOutput output) {
        ApiClient.Response r = pay("254708374008", "100");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.text("status")).isEqualTo("unknown");
        String id = r.text("id");
        // Why it is unknown is in the log, once, for whoever looks into it.
        assertThat(output.getAll()).containsOnlyOnce(
                "payment " + id + ": the provider's answer is unknown (timed out waiting for the provider's answer)");
        receiver.await(id, h -> h.type().equals("payment.succeeded"), WAIT);
        ApiClient.Response after = api.get("/v1/payments/" + id);
        assertThat(after.text("status")).isEqualTo("succeeded");
        assertThat(after.text("provider_reference")).startsWith("ws_CO_");
    }

    @Test
    void invalidSubscriberIsRejectedAtOnce() {
        ApiClient.Response r = pay("254708374010", "100");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.text("status")).isEqualTo("failed");
        assertThat(r.json().get("failure").get("retryable").asBoolean()).isFalse();
        receiver.await(r.text("id"), h -> h.type().equals("payment.failed"), WAIT);
    }

    @Test
    void fractionalShillingsAreRefusedBeforeAnythingIsSent() {
        ApiClient.Response r = pay("254708374149", "10.50");
        assertThat(r.status()).as(r.body()).isEqualTo(422);
        assertThat(r.text("field")).isEqualTo("amount");
        assertThat(jdbc.sql("select count(*) from payments where amount = 10.5").query(Long.class).single()).isZero();
    }

    @Test
    void twentyConcurrentRequestsWithOneKeyMakeOneProviderCall() throws Exception {
        String phone = "254708374" + (200 + (int) (Math.random() * 700));
        String body = "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"" + phone + "\"}";
        String key = UUID.randomUUID().toString();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<ApiClient.Response>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return api.post("/v1/payments", body, key);
                }));
            }
            go.countDown();
            Set<String> ids = new HashSet<>();
            for (Future<ApiClient.Response> f : results) {
                ApiClient.Response r = f.get();
                assertThat(r.status()).as(r.body()).isIn(201, 409);
                if (r.status() == 201) ids.add(r.text("id"));
                else assertThat(r.text("code")).isEqualTo("idempotency_request_in_progress");
            }
            assertThat(ids).hasSize(1);
        }
        // After the first request finished, the same key replays its answer; another body is refused.
        ApiClient.Response replay = api.post("/v1/payments", body, key);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.headers().get("idempotent-replayed")).containsExactly("true");
        ApiClient.Response other = api.post("/v1/payments", body.replace("\"100\"", "\"101\""), key);
        assertThat(other.status()).isEqualTo(422);
        assertThat(other.text("code")).isEqualTo("idempotency_key_reused");
        assertThat(sandbox.stkPushesTo(phone)).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from payments where phone = ?").param("+" + phone).query(Long.class).single()).isEqualTo(1);
    }

    @Test
    void webhookIsRetriedAfterTheReceiverFailsTwiceAndEveryAttemptIsRecorded() {
        receiver.failNext(2, "+254708374150");
        String id = pay("254708374150", "100").text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        String attemptsSql = """
                select a.success from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
                join payment_events e on e.id = d.event_id where e.payment_id = ? order by a.attempt_no""";
        // The receiver has the webhook a moment before Malipo records the attempt that delivered it.
        awaitTrue("three attempts recorded", () -> jdbc.sql(attemptsSql).param(id).query(Boolean.class).list().size() >= 3);
        List<Boolean> attempts = jdbc.sql(attemptsSql).param(id).query(Boolean.class).list();
        assertThat(attempts).containsExactly(false, false, true);
    }

    @Test
    void payoutSucceedsAndAFailedPayoutSaysWhy() {
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":\"250\",\"currency\":\"KES\",\"phone\":\"254708374149\",\"description\":\"Refund 77\"}";
        ApiClient.Response ok = api.post("/v1/payouts", body, key);
        // A retried payout with the same key pays nothing twice.
        ApiClient.Response again = api.post("/v1/payouts", body, key);
        assertThat(again.text("id")).isEqualTo(ok.text("id"));
        assertThat(again.headers().get("idempotent-replayed")).containsExactly("true");
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.text("id")).startsWith("po_");
        receiver.await(ok.text("id"), r -> r.type().equals("payout.succeeded"), WAIT);
        assertThat(api.get("/v1/payouts/" + ok.text("id")).text("receipt")).isNotBlank();

        ApiClient.Response poor = api.post("/v1/payouts",
                "{\"amount\":\"250\",\"currency\":\"KES\",\"phone\":\"254708374002\"}", UUID.randomUUID().toString());
        receiver.await(poor.text("id"), r -> r.type().equals("payout.failed"), WAIT);
        assertThat(api.get("/v1/payouts/" + poor.text("id")).json().get("failure").get("code").asString())
                .isEqualTo("insufficient_funds");
    }

    @Test
    void aPayoutQueueTimeoutIsNotAFailure() {
        ApiClient.Response r = api.post("/v1/payouts", "{\"amount\":\"250\",\"currency\":\"KES\",\"phone\":\"254708374004\"}",
                UUID.randomUUID().toString());
        String id = r.text("id");
        // The emulator posts to the QueueTimeOutURL first, then the result.
        awaitTrue("queue timeout received", () -> jdbc.sql(
                        "select count(*) from provider_callbacks where payment_id = ? and channel = 'timeout' and status = 'processed'")
                .param(id).query(Long.class).single() == 1);
        receiver.await(id, h -> h.type().equals("payout.succeeded"), WAIT);
        assertThat(receiver.forPayment(id)).extracting(WebhookReceiver.Received::type).containsExactly("payout.succeeded");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "payout to {0} is settled through Daraja's Transaction Status API")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"254708374006", "254708374008"})
    void payoutsWithoutAnAnswerAreSettledByTheStatusQuery(String phone) {
        ApiClient.Response r = api.post("/v1/payouts", "{\"amount\":\"250\",\"currency\":\"KES\",\"phone\":\"" + phone + "\"}",
                UUID.randomUUID().toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.text("id");
        receiver.await(id, h -> h.type().equals("payout.succeeded"), WAIT);
        assertThat(api.get("/v1/payouts/" + id).text("receipt")).isNotBlank();
    }

    @Test
    void listsArePaginatedNewestFirstAndFilteredByStatus() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) ids.add(pay("254708374010", "100").text("id"));
        ApiClient.Response page1 = api.get("/v1/payments?limit=2&status=failed");
        assertThat(page1.json().get("data")).hasSize(2);
        assertThat(page1.json().get("has_more").asBoolean()).isTrue();
        ApiClient.Response page2 = api.get("/v1/payments?limit=2&status=failed&cursor=" + page1.text("next_cursor"));
        assertThat(page2.json().get("data")).hasSize(1);
        assertThat(page2.json().get("has_more").asBoolean()).isFalse();
        List<String> seen = new ArrayList<>();
        page1.json().get("data").forEach(n -> seen.add(n.get("id").asString()));
        page2.json().get("data").forEach(n -> seen.add(n.get("id").asString()));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(api.get("/v1/payments?status=succeeded&created_gte=2100-01-01T00:00:00Z").json().get("data")).isEmpty();
    }

    @Test
    void aTestKeyCannotReachLiveMoneyAndAMerchantMayChooseAmongItsAccounts() {
        ApiClient.Response live = api.post("/v1/provider_accounts",
                sandbox.providerAccountJson().replace(sandbox.baseUrl().toString(), "https://api.safaricom.co.ke"), null);
        assertThat(live.status()).isEqualTo(422);
        assertThat(live.text("code")).isEqualTo("live_url_with_test_key");

        String second = api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).text("id");
        ApiClient.Response r = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374152\","
                + "\"provider_account\":\"" + second + "\"}", UUID.randomUUID().toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.text("provider_account")).isEqualTo(second);
        ApiClient.Response foreign = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374152\","
                + "\"provider_account\":\"pa_not_mine\"}", UUID.randomUUID().toString());
        assertThat(foreign.status()).isEqualTo(422);
        assertThat(foreign.text("field")).isEqualTo("provider_account");
    }

    @Test
    void callbackEndpointRefusesStrangersAndOversizedBodiesAndStoresGarbageHarmlessly() throws Exception {
        ApiClient raw = api.withKey(null);
        assertThat(raw.post("/callbacks/0123456789abcdef0123456789abcdef", "{}", null).status()).isEqualTo(404);
        assertThat(raw.post("/callbacks/not-a-token", "{}", null).status()).isEqualTo(404);

        ApiClient.Response created = pay("254708374006", "100");
        String id = created.text("id");
        String token = jdbc.sql("select callback_token from payments where id = ?").param(id).query(String.class).single();
        assertThat(token).matches("[0-9a-f]{32}");
        assertThat(raw.post("/callbacks/" + token, "x".repeat(1_048_577), null).status()).isEqualTo(413);
        // A chunked body declares no length: the cap is found by reading it.
        assertThat(chunked("/callbacks/" + token, 1_048_577)).isEqualTo(413);
        assertThat(jdbc.sql("select count(*) from provider_callbacks where payment_id = ?").param(id).query(Long.class).single())
                .as("nothing stored for refused bodies").isZero();
        assertThat(raw.post("/callbacks/" + token, "{\"hello\":\"world\"}", null).status()).isEqualTo(200);
        awaitTrue("garbage callback rejected", () -> "rejected".equals(
                jdbc.sql("select status from provider_callbacks where payment_id = ?").param(id).query(String.class).single()));
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ? and type = 'payment.failed'")
                .param(id).query(Long.class).single()).isZero();
    }

    private int chunked(String path, int bytes) throws Exception {
        byte[] body = new byte[bytes];
        java.util.Arrays.fill(body, (byte) 'x');
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        }
    }

    @Test
    void logsHoldNeitherSecretsNorWholePhoneNumbers(org.springframework.boot.test.system.CapturedOutput output) {
        String id = pay("254708374153", "100").text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        assertThat(output.getAll()).contains(id)
                .doesNotContain("708374153")
                .doesNotContain(Sandbox.CONSUMER_SECRET)
                .doesNotContain(Sandbox.PASSKEY)
                .doesNotContain("c2VjcmV0");
    }

    @Test
    void metricsShowProviderLatencyAndBacklogs() {
        String id = pay("254708374151", "100").text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        String metrics = api.withKey(null).get("/actuator/prometheus").body();
        assertThat(metrics).contains("malipo_provider_requests_seconds_count{")
                .containsPattern("malipo_provider_requests_seconds_count\\{[^}]*operation=\"collect\"[^}]*provider=\"mpesa\"")
                .contains("malipo_webhooks_backlog")
                .contains("malipo_jobs_due{");
    }

    private void awaitCallbacksDone(String paymentId, int expected) {
        awaitTrue("callbacks for " + paymentId + " processed", () -> jdbc.sql(
                        "select count(*) from provider_callbacks where payment_id = ? and status in ('processed', 'duplicate')")
                .param(paymentId).query(Long.class).single() >= expected);
    }

    private static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
        dev.malipo.gateway.support.Await.until(what, WAIT, condition);
    }
}
