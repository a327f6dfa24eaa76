package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.payments.ParkedHere;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A callback for a payment whose initiation answer this instance awaits is parked in one round
 * trip, its payment's row not read first; when the hint is stale (the answer was stored meanwhile)
 * nothing is parked and the callback is decided the usual way.
 */
class ParkWithoutReadingTest extends PostgresTestBase {
    @Autowired
    CallbackProcessor processor;
    @Autowired
    MerchantService merchants;
    @Autowired
    Connectors connectors;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ParkedHere parkedHere;

    @Test
    void aCallbackBeforeTheAnswerIsParkedAndItsCopyKeptForTheAnswer() {
        String token = token();
        String paymentId = payment(token, false);
        parkedHere.awaiting(token, paymentId);
        try {
            assertThat(processor.receive(callback(token))).isTrue();

            assertThat(jdbc.sql("select status from provider_callbacks where payment_id = ?").param(paymentId)
                    .query(String.class).list()).containsExactly("parked");
            assertThat(jdbc.sql("select callbacks_parked from payments where id = ?").param(paymentId)
                    .query(Boolean.class).single()).isTrue();
            ParkedHere.Parked kept = parkedHere.parked(paymentId);
            assertThat(kept.allKept()).isTrue();
            assertThat(kept.callbacks()).hasSize(1);
            assertThat(new String(kept.callbacks().getFirst().body(), StandardCharsets.UTF_8)).contains("RPARK00001");
        } finally {
            parkedHere.notAwaiting(token);
            parkedHere.answered(paymentId);
        }
    }

    @Test
    void aStaleHintParksNothingAndTheCallbackIsDecidedAtOnce() {
        String token = token();
        String paymentId = payment(token, true); // answered already, by whatever means
        parkedHere.awaiting(token, paymentId);
        try {
            assertThat(processor.receive(callback(token))).isTrue();

            assertThat(jdbc.sql("select status from provider_callbacks where payment_id = ?").param(paymentId)
                    .query(String.class).list()).containsExactly("processed");
            assertThat(jdbc.sql("select status from payments where id = ?").param(paymentId).query(String.class).single())
                    .isEqualTo("succeeded");
            assertThat(jdbc.sql("select callbacks_parked from payments where id = ?").param(paymentId)
                    .query(Boolean.class).single()).as("nothing of the park stored").isFalse();
        } finally {
            parkedHere.notAwaiting(token);
            parkedHere.answered(paymentId);
        }
    }

    private static String token() {
        return Long.toHexString(System.nanoTime()) + "00112233445566778899";
    }

    private CallbackProcessor.Incoming callback(String token) {
        String body = """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_park","ResultCode":0,
                "ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"MpesaReceiptNumber","Value":"RPARK00001"}]}}}}""";
        return new CallbackProcessor.Incoming(token, "result", "127.0.0.1", Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private String payment(String token, boolean answered) {
        String merchant = merchants.create("Park " + System.nanoTime()).merchantId();
        String account = connectors.addAccount(merchant, "mpesa", "KE", Mode.TEST, URI.create("http://127.0.0.1:1"),
                Map.of("consumer-key", "k", "consumer-secret", "s", "short-code", "174379", "passkey", "p")).id();
        String id = "pay_park" + System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, provider,
                          provider_account_id, provider_reference, callback_token, created_at, updated_at, initiation_answered_at)
                        values (?, ?, 'collection', 'test', 'pending', 100, 'KES', '+254708374149', 'safaricom', 'mpesa', ?,
                          'ws_CO_park', ?, ?, ?, ?)""")
                .params(id, merchant, account, token, now, now, answered ? now : null).update();
        return id;
    }
}
