package dev.malipo.gateway.support;

import dev.malipo.sandbox.FaultConfig;
import dev.malipo.sandbox.daraja.DarajaEmulator;
import dev.malipo.sandbox.daraja.DarajaEmulatorConfig;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The Daraja emulator as the tests use it: customers act a hundred times faster than by hand,
 * and the "timeout after accept" answer (008) comes after 2.5 s, past the gateway's 1 s test timeout.
 */
public final class Sandbox implements AutoCloseable {
    public static final String CONSUMER_KEY = DarajaEmulatorConfig.DEMO_CONSUMER_KEY;
    public static final String CONSUMER_SECRET = DarajaEmulatorConfig.DEMO_CONSUMER_SECRET;
    public static final String SHORT_CODE = DarajaEmulatorConfig.DEMO_SHORT_CODE;
    public static final String PASSKEY = DarajaEmulatorConfig.DEMO_PASSKEY;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final DarajaEmulator emulator;

    private Sandbox(DarajaEmulator emulator) {
        this.emulator = emulator;
    }

    public static Sandbox start() {
        return new Sandbox(DarajaEmulator.start(DarajaEmulatorConfig.builder()
                .port(0)
                .speedFactor(0.01)
                .timeoutAfterAcceptDelay(Duration.ofMillis(2500))
                .build()));
    }

    public URI baseUrl() {
        return emulator.baseUrl();
    }

    public String providerAccountJson() {
        return """
                {"provider":"mpesa","country":"KE","base_url":"%s","settings":{"consumer-key":"%s","consumer-secret":"%s",
                 "short-code":"%s","passkey":"%s","initiator-name":"testapi","security-credential":"c2VjcmV0"}}"""
                .formatted(baseUrl(), CONSUMER_KEY, CONSUMER_SECRET, SHORT_CODE, PASSKEY);
    }

    /** Changes the emulator's faults (added latency, error rates) from now on. */
    public void faults(FaultConfig faults) {
        emulator.setFaults(faults);
    }

    /** How many STK pushes the emulator holds for this phone (digits, 2547…). */
    public int stkPushesTo(String phoneDigits) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(baseUrl().resolve("/sandbox/admin/transactions")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode all = JSON.readTree(r.body());
            int count = 0;
            for (JsonNode t : all.isArray() ? all : all.path("transactions")) {
                String phone = t.path("phone").asString(t.path("PhoneNumber").asString(""));
                String kind = t.path("kind").asString(t.path("type").asString(""));
                if (phone.equals(phoneDigits) && kind.toLowerCase().contains("stk")) count++;
            }
            return count;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Override
    public void close() {
        emulator.close();
    }
}
