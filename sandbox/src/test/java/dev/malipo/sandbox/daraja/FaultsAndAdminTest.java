package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.FaultConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class FaultsAndAdminTest extends DarajaTestBase {

    @Test
    void anInjectedServerErrorIsABare500() throws Exception {
        String token = token();
        emulator.setFaults(new FaultConfig(0, 1.0, 0, 0, 0));
        HttpResponse<String> r = post(STK, stkPush(OK_PHONE), token);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEmpty();
        assertThat(transactions()).isEmpty();
        assertThat(tokenResponse("malipo-demo-key:malipo-demo-secret", "?grant_type=client_credentials").statusCode())
                .as("the token endpoint is spared").isEqualTo(200);
    }

    @Test
    void anInjectedRateLimitIsA429Envelope() throws Exception {
        String token = token();
        emulator.setFaults(new FaultConfig(0, 0, 1.0, 0, 0));
        HttpResponse<String> r = post(STK, stkPush(OK_PHONE), token);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(json(r).get("errorCode").asString()).startsWith("429.");
    }

    @Test
    void callbacksCanBeDroppedOrDuplicated() throws Exception {
        String token = token();
        emulator.setFaults(new FaultConfig(0, 0, 0, 0, 1.0));
        assertThat(post(STK, stkPush(OK_PHONE), token).statusCode()).isEqualTo(200);
        assertNoCallbackWithin(300);

        emulator.setFaults(new FaultConfig(0, 0, 0, 1.0, 0));
        post(STK, stkPush("254708374150"), token);
        assertThat(nextCallback().body()).isEqualTo(nextCallback().body());
    }

    @Test
    void latencyIsAdded() throws Exception {
        String token = token();
        emulator.setFaults(new FaultConfig(150, 0, 0, 0, 0));
        long start = System.nanoTime();
        post(STK_QUERY, stkQuery("ws_CO_x"), token);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(150);
    }

    @Test
    void adminRoundTrip() throws Exception {
        HttpResponse<String> put = admin("PUT", "/sandbox/admin/faults",
                "{\"latency_ms\":5,\"error_rate\":0.25,\"rate_limit_rate\":0.1,\"duplicate_callback_rate\":0.2,\"drop_callback_rate\":0.3}");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(emulator.faults()).isEqualTo(new FaultConfig(5, 0.25, 0.1, 0.2, 0.3));
        JsonNode got = json(admin("GET", "/sandbox/admin/faults", null));
        assertThat(got.get("latency_ms").asLong()).isEqualTo(5);
        assertThat(got.get("drop_callback_rate").asDouble()).isEqualTo(0.3);

        assertThat(admin("PUT", "/sandbox/admin/faults", "{\"error_rate\":2}").statusCode()).isEqualTo(400);
        assertThat(admin("PUT", "/sandbox/admin/faults", "nope").statusCode()).isEqualTo(400);
        assertThat(emulator.faults().errorRate()).as("unchanged by a bad PUT").isEqualTo(0.25);

        admin("POST", "/sandbox/admin/reset", null);
        assertThat(emulator.faults()).isEqualTo(FaultConfig.NONE);
        String checkout = json(post(STK, stkPush(OK_PHONE))).get("CheckoutRequestID").asString();
        nextCallback();
        JsonNode held = transactions().getFirst();
        assertThat(held.get("kind").asString()).isEqualTo("stk");
        assertThat(held.get("id").asString()).isEqualTo(checkout);
        assertThat(held.get("phone").asString()).isEqualTo(OK_PHONE);
        assertThat(held.get("state").asString()).isEqualTo("done");
        assertThat(held.get("receipt").asString()).matches("[A-Z0-9]{10}");

        assertThat(admin("POST", "/sandbox/admin/reset", null).statusCode()).isEqualTo(204);
        assertThat(transactions()).isEmpty();
        assertThat(admin("GET", "/sandbox/admin/nothing", null).statusCode()).isEqualTo(404);
    }

    @Test
    void unknownPathsAreDarajas404() throws Exception {
        HttpResponse<String> r = post("/mpesa/c2b/v9/nothing", java.util.Map.of(), token());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).get("errorCode").asString()).isEqualTo("404.001.01");
    }
}
