package dev.malipo.gateway.api;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Initiation answers that called the provider say how long that took, and how long Malipo had the
 * request (Server-Timing), so the provider's share of the latency can be told from Malipo's own and
 * both from the network's and the client's; answers that did not call it have no header.
 */
class ServerTimingTest extends PostgresTestBase {
    private static final Pattern TIMING = Pattern.compile("provider;dur=(\\d+\\.\\d{3}), app;dur=(\\d+\\.\\d{3})");

    static Sandbox sandbox;

    @Autowired
    MerchantService merchants;

    ApiClient api;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @BeforeEach
    void merchantWithDarajaAccount() {
        api = new ApiClient(baseUrl(), merchants.create("Timing " + UUID.randomUUID()).testKey());
        ApiClient.Response account = api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null);
        assertThat(account.status()).as(account.body()).isEqualTo(201);
    }

    private static String body(String amount) {
        return "{\"amount\":\"" + amount + "\",\"currency\":\"KES\",\"phone\":\"254708374149\"}";
    }

    @Test
    void aPaymentThatCalledTheProviderSaysHowLongItTook() {
        long t0 = System.nanoTime();
        ApiClient.Response created = api.post("/v1/payments", body("100"), UUID.randomUUID().toString());
        double roundTripMs = (System.nanoTime() - t0) / 1e6;
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        double[] timing = timing(created);
        double providerMs = timing[0];
        double appMs = timing[1];
        // The gateway waited on the emulator over real HTTP (token and STK push): more than nothing.
        // Malipo had the request for at least that long, plus its own work, and for less than the
        // whole round trip this test saw (which also holds the loopback network and the client).
        assertThat(providerMs).isGreaterThan(0);
        assertThat(appMs).isGreaterThan(providerMs).isLessThan(roundTripMs);
    }

    @Test
    void aPayoutThatCalledTheProviderSaysHowLongItTook() {
        ApiClient.Response created = api.post("/v1/payouts", body("100"), UUID.randomUUID().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(providerMs(created)).isGreaterThan(0);
    }

    @Test
    void aValidationErrorCalledNoProviderAndHasNoHeader() {
        ApiClient.Response rejected = api.post("/v1/payments", body("10.50"), UUID.randomUUID().toString());
        assertThat(rejected.status()).as(rejected.body()).isBetween(400, 499);
        assertThat(rejected.headers()).doesNotContainKey("server-timing");
    }

    @Test
    void anIdempotentReplayCalledNoProviderAndHasNoHeader() {
        String key = UUID.randomUUID().toString();
        assertThat(providerMs(api.post("/v1/payments", body("100"), key))).isGreaterThan(0);
        ApiClient.Response replay = api.post("/v1/payments", body("100"), key);
        assertThat(replay.status()).as(replay.body()).isIn(200, 201);
        assertThat(replay.headers()).doesNotContainKey("server-timing");
    }

    private static double providerMs(ApiClient.Response r) {
        return timing(r)[0];
    }

    /** {provider ms, app ms} */
    private static double[] timing(ApiClient.Response r) {
        List<String> values = r.headers().get("server-timing");
        assertThat(values).as("Server-Timing in %s", r.headers()).hasSize(1);
        Matcher m = TIMING.matcher(values.getFirst());
        assertThat(m.matches()).as(values.getFirst()).isTrue();
        return new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }
}
