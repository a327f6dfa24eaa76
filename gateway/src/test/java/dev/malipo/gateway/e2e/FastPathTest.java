package dev.malipo.gateway.e2e;

import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short ways a flow takes now: callbacks decided in their own request, webhooks attempted as
 * soon as their event commits, the claim of an idempotency key committed with its payment. Each
 * short way must still be exactly-once, and must fall back to the durable job when it cannot run.
 */
class FastPathTest extends PostgresTestBase {
    static final Duration WAIT = Duration.ofSeconds(20);
    static Sandbox sandbox;
    static WebhookReceiver receiver;

    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    ApiClient api;
    String merchantId;
    String endpointId;

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
    void merchant() {
        MerchantService.NewMerchant m = merchants.create("Fast " + UUID.randomUUID());
        merchantId = m.merchantId();
        api = new ApiClient(baseUrl(), m.testKey());
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        ApiClient.Response endpoint = api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null);
        receiver.secret(endpoint.text("secret"));
        endpointId = endpoint.text("id");
    }

    @Test
    void aSettledPaymentLeavesNoJobBehindAndItsWebhookTookOneAttempt() {
        // A slow customer (009, ~300 ms here), so that the callback surely comes after the answer.
        String id = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374009\"}",
                UUID.randomUUID().toString()).text("id");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
        Await.until("delivery recorded", WAIT, () -> jdbc.sql("""
                        select count(*) from webhook_deliveries d join payment_events e on e.id = d.event_id
                        where e.payment_id = ? and d.status = 'delivered' and d.attempts = 1""")
                .param(id).query(Long.class).single() == 1);
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_instance like ?").param(id + "#%")
                .query(Long.class).single()).as("no status check job").isZero();
        assertThat(jdbc.sql("select count(*) from payments where id = ? and first_check_at is null").param(id)
                .query(Long.class).single()).as("first check's due time cleared").isEqualTo(1);
        // Its callback came after the initiation's answer: nothing was parked, so nothing was looked for.
        assertThat(jdbc.sql("select callbacks_parked from payments where id = ?").param(id).query(Boolean.class).single())
                .as("no callback parked").isFalse();
        assertThat(jdbc.sql("""
                        select count(*) from scheduled_tasks t join webhook_deliveries d on d.id = t.task_instance
                        join payment_events e on e.id = d.event_id where e.payment_id = ?""")
                .param(id).query(Long.class).single()).as("no webhook retry job").isZero();
        assertThat(jdbc.sql("""
                        select count(*) from webhook_deliveries d join payment_events e on e.id = d.event_id
                        where e.payment_id = ? and d.safety_net_at is not null""")
                .param(id).query(Long.class).single()).as("safety net cleared").isZero();
    }

    @Test
    void anAnswerStoredWithItsCommitReadsAsTheStoredPayment() {
        // A slow customer (009): the callback comes well after the answer, so nothing is parked and
        // the answer is stored in one round trip, its 201 worked out in memory, not read back.
        ApiClient.Response created = api.post("/v1/payments", """
                {"amount":"1500.00","currency":"KES","phone":"254708374009","reference":"R-answer",
                 "metadata":{"z":"last","a":"first","m":"middle"}}""", UUID.randomUUID().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.text("id");
        ApiClient.Response read = api.get("/v1/payments/" + id);
        assertThat(jdbc.sql("select initiation_answered_at is not null and provider_reference is not null and not callbacks_parked"
                + " from payments where id = ?").param(id).query(Boolean.class).single()).as("answer stored, nothing parked").isTrue();
        if (read.text("status").equals("pending")) {
            assertThat(created.json()).as("the 201 is the payment as stored").isEqualTo(read.json());
        } else { // the customer was quicker than this test: only what settling changes may differ
            for (String field : List.of("id", "amount", "currency", "phone", "network", "reference", "metadata", "provider",
                    "provider_account", "provider_reference", "created_at")) {
                assertThat(created.json().get(field)).as(field).isEqualTo(read.json().get(field));
            }
        }
        assertThat(created.json().get("provider_reference").asString()).startsWith("ws_CO_");
        receiver.await(id, r -> r.type().equals("payment.succeeded"), WAIT);
    }

    @Test
    void anEndpointAddedAfterEventsWereSentGetsTheNextOne() throws Exception {
        // The merchant's endpoints are kept in memory between events; adding one must count at once.
        String first = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374160\"}",
                UUID.randomUUID().toString()).text("id");
        receiver.await(first, r -> r.type().equals("payment.succeeded"), WAIT);
        try (WebhookReceiver second = new WebhookReceiver()) {
            ApiClient.Response added = api.post("/v1/webhook_endpoints", "{\"url\":\"" + second.url() + "\"}", null);
            assertThat(added.status()).isEqualTo(201);
            second.secret(added.text("secret"));
            String next = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374160\"}",
                    UUID.randomUUID().toString()).text("id");
            assertThat(second.await(next, r -> r.type().equals("payment.succeeded"), WAIT).signatureValid()).isTrue();
            receiver.await(next, r -> r.type().equals("payment.succeeded"), WAIT);
        }
    }

    @Test
    void concurrentCopiesOfOneCallbackMakeOneStatusChangeAndOneEvent() throws Exception {
        String token = token();
        String paymentId = payment(accountId(), token, "ws_CO_fast" + System.nanoTime());
        String body = callback(jdbc.sql("select provider_reference from payments where id = ?").param(paymentId)
                .query(String.class).single());
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> {
                    go.await();
                    return http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/callbacks/" + token))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                }));
            }
            go.countDown();
            for (Future<Integer> a : answers) assertThat(a.get()).isEqualTo(200);
        }
        assertThat(jdbc.sql("select status from payments where id = ?").param(paymentId).query(String.class).single())
                .isEqualTo("succeeded");
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ?").param(paymentId).query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select status from provider_callbacks where payment_id = ? order by status").param(paymentId)
                .query(String.class).list()).containsExactly("duplicate", "duplicate", "duplicate", "duplicate", "duplicate",
                "duplicate", "duplicate", "processed");
    }

    @Test
    void aCallbackThatCannotBeHandledAtOnceIsStoredRawForTheJob() throws Exception {
        // An account whose sealed settings no longer open (e.g. the encryption key was rotated badly):
        // the connector cannot be built, so the callback cannot be decided now.
        String account = "pa_broken" + System.nanoTime();
        jdbc.sql("""
                        insert into provider_accounts (id, merchant_id, provider, country, mode, base_url, settings_enc, created_at)
                        values (?, ?, 'mpesa', 'KE', 'test', 'http://127.0.0.1:1', 'v1:AAAA', ?)""")
                .params(account, merchantId, Timestamp.from(Instant.now())).update();
        String token = token();
        String paymentId = payment(account, token, "ws_CO_broken" + System.nanoTime());
        int status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/callbacks/" + token))
                .POST(HttpRequest.BodyPublishers.ofString(callback("ws_CO_x"))).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();

        assertThat(status).as("acknowledged only once stored").isEqualTo(200);
        String callbackId = jdbc.sql("select id from provider_callbacks where payment_id = ?").param(paymentId)
                .query(String.class).single();
        assertThat(jdbc.sql("select status from provider_callbacks where id = ?").param(callbackId).query(String.class).single())
                .isEqualTo("received");
        assertThat(jdbc.sql("select count(*) from scheduled_tasks where task_name = ? and task_instance = ?")
                .params(Jobs.PROCESS_CALLBACK, callbackId).query(Long.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select status from payments where id = ?").param(paymentId).query(String.class).single())
                .isEqualTo("pending");
    }

    @Test
    void aCallbackWhoseLastWriteFailsAtCommitIsRolledBackWholeAndDecidedOnceByTheJob() throws Exception {
        // The decided callback's row is the transaction's last write and travels with the COMMIT
        // (CommitTail). Make exactly that INSERT fail, as a full disk or a constraint would: the
        // status change and its event must go with it, the raw callback must still be stored and
        // acknowledged, and the job must decide it once.
        String token = token();
        String paymentId = payment(accountId(), token, "ws_CO_tail" + System.nanoTime());
        String reference = jdbc.sql("select provider_reference from payments where id = ?").param(paymentId)
                .query(String.class).single();
        // A sequence, not a table, counts the failures: nextval survives the rollback it causes.
        jdbc.sql("create sequence fail_decided_callback_seq").update();
        jdbc.sql("""
                create function fail_decided_callback() returns trigger language plpgsql as $$
                begin
                  if new.payment_id = '%s' and new.status <> 'received' then
                    perform nextval('fail_decided_callback_seq');
                    raise exception 'injected: the decided callback cannot be stored';
                  end if;
                  return new;
                end $$""".formatted(paymentId)).update();
        jdbc.sql("create trigger fail_decided_callback before insert on provider_callbacks for each row "
                + "execute function fail_decided_callback()").update();
        int status;
        try {
            status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/callbacks/" + token))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(callback(reference))).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } finally {
            jdbc.sql("drop trigger fail_decided_callback on provider_callbacks").update();
            jdbc.sql("drop function fail_decided_callback()").update();
        }
        long failures = jdbc.sql("select last_value from fail_decided_callback_seq").query(Long.class).single();
        jdbc.sql("drop sequence fail_decided_callback_seq").update();

        assertThat(failures).as("the decided callback's INSERT ran, at commit, and failed").isEqualTo(1);
        assertThat(status).as("acknowledged once stored raw").isEqualTo(200);
        receiver.await(paymentId, r -> r.type().equals("payment.succeeded"), WAIT);
        Await.until("callback processed by the job", WAIT, () -> "processed".equals(jdbc.sql(
                "select status from provider_callbacks where payment_id = ?").param(paymentId).query(String.class).single()));
        assertThat(jdbc.sql("select status from payments where id = ?").param(paymentId).query(String.class).single())
                .isEqualTo("succeeded");
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ?").param(paymentId).query(Long.class).single())
                .as("one status change, one event").isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from provider_callbacks where payment_id = ?").param(paymentId)
                .query(Long.class).single()).as("one stored callback").isEqualTo(1);
        assertThat(receiver.forPayment(paymentId)).as("one webhook").hasSize(1);
    }

    @Test
    void aDeliveryWhoseFirstAttemptNeverRanIsDeliveredByItsJob() {
        // As if the gateway stopped right after committing the event: a delivery due for its safety
        // net, no attempt. The sweep hands it to its job, which delivers it.
        String paymentId = payment(accountId(), token(), "ws_CO_net" + System.nanoTime());
        String eventId = "evt_net" + System.nanoTime();
        String deliveryId = "whd_net" + System.nanoTime();
        tx.executeWithoutResult(s -> {
            jdbc.sql("insert into payment_events (id, merchant_id, payment_id, type, payload, created_at) values (?, ?, ?, ?, ?, ?)")
                    .params(eventId, merchantId, paymentId, "payment.succeeded", """
                            {"id":"%s","object":"event","type":"payment.succeeded","data":{"object":{"id":"%s"}}}"""
                            .formatted(eventId, paymentId), Timestamp.from(Instant.now())).update();
            jdbc.sql("""
                            insert into webhook_deliveries (id, event_id, endpoint_id, url, status, attempts, created_at, safety_net_at)
                            values (?, ?, ?, ?, 'pending', 0, ?, ?)""")
                    .params(deliveryId, eventId, endpointId, receiver.url(), Timestamp.from(Instant.now()),
                            Timestamp.from(Instant.now())).update();
        });
        WebhookReceiver.Received hook = receiver.await(paymentId, r -> r.eventId().equals(eventId), WAIT);
        assertThat(hook.signatureValid()).isTrue();
        Await.until("delivered", WAIT, () -> "delivered".equals(jdbc.sql("select status from webhook_deliveries where id = ?")
                .param(deliveryId).query(String.class).single()));
    }

    @Test
    void aTakenKeyWinsOverABodyThatNoLongerPasses() {
        String key = UUID.randomUUID().toString();
        String body = "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374161\"}";
        ApiClient.Response first = api.post("/v1/payments", body, key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        ApiClient.Response invalid = api.post("/v1/payments", "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"12345\"}", key);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.text("code")).isEqualTo("idempotency_key_reused");
        ApiClient.Response replay = api.post("/v1/payments", body, key);
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.text("id")).isEqualTo(first.text("id"));
        // A refused request writes nothing: the merchant may fix it and use its key.
        String fresh = UUID.randomUUID().toString();
        assertThat(api.post("/v1/payments", "{\"amount\":\"10.5\",\"currency\":\"KES\",\"phone\":\"254708374162\"}", fresh).status())
                .isEqualTo(422);
        assertThat(api.post("/v1/payments", "{\"amount\":\"10\",\"currency\":\"KES\",\"phone\":\"254708374162\"}", fresh).status())
                .isEqualTo(201);
    }

    private String accountId() {
        return jdbc.sql("select id from provider_accounts where merchant_id = ? order by created_at limit 1").param(merchantId)
                .query(String.class).single();
    }

    private static String token() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** A pending collection whose STK push was accepted as {@code reference}. */
    private String payment(String account, String token, String reference) {
        String id = "pay_fast" + System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, provider,
                          provider_account_id, provider_reference, callback_token, initiation_answered_at, created_at, updated_at)
                        values (?, ?, 'collection', 'test', 'pending', 100, 'KES', '+254708374170', 'safaricom', 'mpesa', ?, ?, ?, ?, ?, ?)""")
                .params(id, merchantId, account, reference, token, now, now, now).update();
        return id;
    }

    private static String callback(String checkoutRequestId) {
        return """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"%s","ResultCode":0,
                "ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"Amount","Value":100},
                {"Name":"MpesaReceiptNumber","Value":"FAST123456"}]}}}}""".formatted(checkoutRequestId);
    }
}
