package dev.malipo.sandbox.daraja;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Instant mode: the callback reaches the merchant before the initiation's answer does. */
class InstantModeTest extends DarajaTestBase {

    @Override
    DarajaEmulatorConfig.Builder config() {
        return super.config().instant(true).speedFactor(1.0);
    }

    @Test
    void theCallbackIsDeliveredBeforeTheAnswer() throws Exception {
        HttpResponse<String> r = post(STK, stkPush(OK_PHONE));
        assertThat(r.statusCode()).isEqualTo(200);
        Received already = callbacks.poll();
        assertThat(already).as("callback received before the answer").isNotNull();
        assertThat(already.body().get("Body").get("stkCallback").get("CheckoutRequestID").asString())
                .isEqualTo(json(r).get("CheckoutRequestID").asString());
    }

    @Test
    void evenTheSlowCustomersAnswerAtOnce() throws Exception {
        String token = token();
        post(STK, stkPush("254708374004"), token);
        assertThat(callbacks.poll()).isNotNull();
        post(STK, stkPush("254708374009"), token);
        assertThat(callbacks.poll()).isNotNull();
    }

    @Test
    void httpsCallbacksCanBeRequired() throws Exception {
        try (DarajaEmulator strict = DarajaEmulator.start(config().requireHttpsCallbacks(true).build())) {
            DarajaEmulator lenient = emulator;
            emulator = strict;
            try {
                HttpResponse<String> r = post(STK, stkPush(OK_PHONE));
                assertThat(r.statusCode()).isEqualTo(400);
                assertThat(json(r).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid CallBackURL");
                java.util.Map<String, Object> https = stkPush(OK_PHONE);
                https.put("CallBackURL", "https://127.0.0.1:1/cb/Xk29fQ"); // nobody listens: the callback just fails
                assertThat(post(STK, https).statusCode()).isEqualTo(200);
            } finally {
                emulator = lenient;
            }
        }
        assertThat(post(STK, stkPush(OK_PHONE)).statusCode()).as("http is fine by default").isEqualTo(200);
    }
}
