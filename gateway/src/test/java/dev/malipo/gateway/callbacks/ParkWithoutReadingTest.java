package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.payments.ParkedHere;
import dev.malipo.gateway.support.PendingPayments;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
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
    PendingPayments rows;
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
        return PendingPayments.token();
    }

    private CallbackProcessor.Incoming callback(String token) {
        String body = """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_park","ResultCode":0,
                "ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"MpesaReceiptNumber","Value":"RPARK00001"}]}}}}""";
        return new CallbackProcessor.Incoming(token, "result", "127.0.0.1", Map.of("content-type", List.of("application/json")),
                body.getBytes(StandardCharsets.UTF_8));
    }

    private String payment(String token, boolean answered) {
        return rows.insert("park", token, "ws_CO_park", answered);
    }
}
