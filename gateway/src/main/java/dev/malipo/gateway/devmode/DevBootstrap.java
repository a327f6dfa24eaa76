package dev.malipo.gateway.devmode;

import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.connectors.ProviderAccount;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.webhooks.WebhookEndpoints;
import dev.malipo.sandbox.daraja.DarajaEmulator;
import dev.malipo.sandbox.daraja.DarajaEmulatorConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.Map;

/**
 * Starts the Daraja emulator in-process and makes sure the demo merchant, its Daraja test account
 * (pointing at the emulator) and its webhook endpoint (the dev inbox) exist; then prints what a
 * developer needs to try a payment.
 */
@Component
@ConditionalOnProperty(name = "malipo.dev.enabled", havingValue = "true")
class DevBootstrap implements ApplicationRunner, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DevBootstrap.class);
    static final String DEMO_MERCHANT = "Demo merchant";

    private final DevModeProperties dev;
    private final MalipoProperties properties;
    private final MerchantService merchants;
    private final Connectors connectors;
    private final WebhookEndpoints webhookEndpoints;
    private final DevWebhookInbox inbox;
    private DarajaEmulator daraja;

    DevBootstrap(DevModeProperties dev, MalipoProperties properties, MerchantService merchants, Connectors connectors,
                 WebhookEndpoints webhookEndpoints, DevWebhookInbox inbox) {
        this.dev = dev;
        this.properties = properties;
        this.merchants = merchants;
        this.connectors = connectors;
        this.webhookEndpoints = webhookEndpoints;
        this.inbox = inbox;
    }

    @Override
    public void run(ApplicationArguments args) {
        daraja = DarajaEmulator.start(DarajaEmulatorConfig.builder().port(dev.emulatorPort()).build());
        URI emulatorUrl = daraja.baseUrl();
        String merchantId = merchants.ensureDemoMerchant(DEMO_MERCHANT, dev.demoKey());
        boolean hasAccount = connectors.accounts(merchantId, Mode.TEST).stream()
                .anyMatch(a -> a.provider().equals("mpesa") && a.baseUrl().equals(emulatorUrl));
        if (!hasAccount) {
            ProviderAccount account = connectors.addAccount(merchantId, "mpesa", "KE", Mode.TEST, emulatorUrl, Map.of(
                    "consumer-key", DarajaEmulatorConfig.DEMO_CONSUMER_KEY,
                    "consumer-secret", DarajaEmulatorConfig.DEMO_CONSUMER_SECRET,
                    "short-code", DarajaEmulatorConfig.DEMO_SHORT_CODE,
                    "passkey", DarajaEmulatorConfig.DEMO_PASSKEY,
                    "initiator-name", "testapi",
                    "security-credential", "ZGV2LW1vZGUtY3JlZGVudGlhbA=="));
            log.info("dev: Daraja test account {} points at the emulator", account.id());
        }
        WebhookEndpoints.EndpointSecret endpoint = webhookEndpoints.ensure(merchantId,
                properties.publicBaseUrl().toString().replaceAll("/+$", "") + "/dev/webhook-inbox");
        inbox.secret(endpoint.secret());
        String base = properties.publicBaseUrl().toString().replaceAll("/+$", "");
        // Printed, not logged: these are dev-only, well-known values the README also shows.
        System.out.printf("""

                ================================================================
                 Malipo dev mode is up: %s
                 Demo merchant:     %s
                 Test API key:      %s
                 Webhook endpoint:  %s (%s)
                 Webhook secret:    %s
                 Received webhooks: %s/dev/webhooks
                 Daraja emulator:   %s  (test numbers: see README)

                 Try: curl -s %s/v1/payments -H "Authorization: Bearer %s" \\
                        -H "Content-Type: application/json" -H "Idempotency-Key: $(date +%%s%%N)" \\
                        -d '{"amount":"100","currency":"KES","phone":"0708374149","reference":"DEMO1"}'
                ================================================================

                """, base, merchantId, dev.demoKey(), endpoint.url(), endpoint.id(), endpoint.secret(), base, emulatorUrl,
                base, dev.demoKey());
    }

    @Override
    public void close() {
        if (daraja != null) {
            daraja.close();
        }
    }
}
