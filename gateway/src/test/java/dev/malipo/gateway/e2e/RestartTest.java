package dev.malipo.gateway.e2e;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Gateways;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.TestDatabase;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jobs are durable: a payment whose status check was due while the gateway was down is settled,
 * and its webhook delivered, by the next gateway started on the same database. And a context that
 * is stopped and started again (Spring's lifecycle, not a new JVM) runs its jobs again.
 */
class RestartTest {

    private static ConfigurableApplicationContext start(TestDatabase db, int port, String firstCheckAfter) {
        return Gateways.start(db, port, "--malipo.reconciliation.first-check-after=" + firstCheckAfter);
    }

    @Test
    void pendingJobsResumeAfterARestart() throws Exception {
        int port = PostgresTestBase.freePort();
        try (TestDatabase db = TestDatabase.postgres(); Sandbox sandbox = Sandbox.start(); WebhookReceiver receiver = new WebhookReceiver()) {
            String paymentId;
            String key;
            // First life: the payment's callback is never sent (006) and its check is due in 3 s.
            try (ConfigurableApplicationContext first = start(db, port, "3s")) {
                MerchantService.NewMerchant m = first.getBean(MerchantService.class).create("Restart " + UUID.randomUUID());
                key = m.testKey();
                ApiClient api = new ApiClient("http://127.0.0.1:" + port, key);
                assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
                ApiClient.Response endpoint = api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null);
                receiver.secret(endpoint.text("secret"));
                ApiClient.Response created = api.post("/v1/payments",
                        "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374006\"}", UUID.randomUUID().toString());
                assertThat(created.status()).as(created.body()).isEqualTo(201);
                paymentId = created.text("id");
                assertThat(first.getBean(JdbcClient.class).sql("select count(*) from payments where id = ? and first_check_at is not null")
                        .param(paymentId).query(Long.class).single()).as("first check still to come").isEqualTo(1);
            }
            // Down: nothing happened to the payment.
            assertThat(receiver.forPayment(paymentId)).isEmpty();
            // Second life: the due check runs, the payment succeeds and the webhook goes out.
            try (ConfigurableApplicationContext second = start(db, port, "3s")) {
                receiver.await(paymentId, r -> r.type().equals("payment.succeeded"), Duration.ofSeconds(20));
                ApiClient api = new ApiClient("http://127.0.0.1:" + port, key);
                assertThat(api.get("/v1/payments/" + paymentId).text("status")).isEqualTo("succeeded");
            }
        }
    }

    @Test
    void aStoppedContextStartedAgainRunsItsJobs() throws Exception {
        int port = PostgresTestBase.freePort();
        try (TestDatabase db = TestDatabase.h2(); Sandbox sandbox = Sandbox.start(); WebhookReceiver receiver = new WebhookReceiver();
             ConfigurableApplicationContext context = start(db, port, "30s")) {
            MerchantService.NewMerchant m = context.getBean(MerchantService.class).create("Stop-start " + UUID.randomUUID());
            ApiClient api = new ApiClient("http://127.0.0.1:" + port, m.testKey());
            assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
            receiver.secret(api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null).text("secret"));

            context.stop();
            context.start();

            ApiClient.Response created = api.post("/v1/payments",
                    "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374149\"}", UUID.randomUUID().toString());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            // The callback and the webhook are jobs: they ran on the scheduler the restart built.
            receiver.await(created.text("id"), r -> r.type().equals("payment.succeeded"), Duration.ofSeconds(20));
        }
    }
}
