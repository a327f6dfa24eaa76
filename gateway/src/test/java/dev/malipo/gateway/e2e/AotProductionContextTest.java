package dev.malipo.gateway.e2e;

import dev.malipo.gateway.MalipoApplication;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Gateways;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.TestDatabase;
import dev.malipo.gateway.support.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The context the build generates ahead of time (spring-boot-maven-plugin's process-aot, which the
 * production start command uses through -Dspring.aot.enabled=true) serves a payment end to end, as
 * production runs it: no profile, PostgreSQL, the emulator over HTTP, a signed webhook. Dev mode
 * refuses that context, whose conditions were settled without it.
 */
class AotProductionContextTest {

    @BeforeAll
    static void useTheGeneratedContext() {
        System.setProperty("spring.aot.enabled", "true");
    }

    @AfterAll
    static void backToTheReflectiveContext() {
        // The other test classes share this JVM and start contexts the ordinary way.
        System.clearProperty("spring.aot.enabled");
    }

    private static ConfigurableApplicationContext start(TestDatabase db, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--malipo.security.encryption-key=dGVzdC1vbmx5LXRlc3Qtb25seS10ZXN0LW9ubHktdGU=",
                "--malipo.callbacks.allowed-cidrs=",
                "--malipo.webhooks.blocked-cidrs="));
        args.addAll(List.of(extra));
        // The generated initializer is looked up by the main class's name; here that is not on the stack.
        return new SpringApplicationBuilder(MalipoApplication.class).main(MalipoApplication.class)
                .run(Gateways.args(db, port, args.toArray(String[]::new)));
    }

    @Test
    void theGeneratedContextServesAPaymentEndToEnd() throws Exception {
        assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
        int port = PostgresTestBase.freePort();
        try (TestDatabase db = TestDatabase.postgres(); Sandbox sandbox = Sandbox.start(); WebhookReceiver receiver = new WebhookReceiver();
             ConfigurableApplicationContext context = start(db, port)) {
            // Generated bean definitions carry their instance supplier; scanned ones would not.
            String name = context.getBeanNamesForType(MerchantService.class)[0];
            assertThat(((RootBeanDefinition) context.getBeanFactory().getMergedBeanDefinition(name)).getInstanceSupplier())
                    .as("the merchant service's definition comes from the generated code").isNotNull();

            MerchantService.NewMerchant m = context.getBean(MerchantService.class).create("AOT " + UUID.randomUUID());
            ApiClient api = new ApiClient("http://127.0.0.1:" + port, m.testKey());
            assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
            receiver.secret(api.post("/v1/webhook_endpoints", "{\"url\":\"" + receiver.url() + "\"}", null).text("secret"));

            ApiClient.Response created = api.post("/v1/payments",
                    "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374149\"}", UUID.randomUUID().toString());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            String paymentId = created.text("id");

            WebhookReceiver.Received webhook = receiver.await(paymentId, r -> r.type().equals("payment.succeeded"), Duration.ofSeconds(20));
            assertThat(webhook.signatureValid()).isTrue();
            assertThat(api.get("/v1/payments/" + paymentId).text("status")).isEqualTo("succeeded");
        }
    }

    @Test
    void devModeRefusesTheGeneratedContext() {
        try (TestDatabase db = TestDatabase.h2()) {
            assertThatThrownBy(() -> start(db, 0, "--malipo.dev.enabled=true").close())
                    .rootCause()
                    .hasMessageContaining("dev mode cannot run with -Dspring.aot.enabled=true");
        }
    }
}
