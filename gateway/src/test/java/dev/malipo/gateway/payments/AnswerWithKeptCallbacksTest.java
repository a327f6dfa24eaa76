package dev.malipo.gateway.payments;

import dev.malipo.core.connector.Outcome;
import dev.malipo.gateway.support.PendingPayments;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The initiation's answer stored, and the callbacks parked for it decided, in one round trip from
 * the copies this instance kept of them — and, whenever the copies are not the whole truth, nothing
 * stored that way, so that the long way (which reads them) decides.
 */
class AnswerWithKeptCallbacksTest extends PostgresTestBase {
    @Autowired
    PendingPayments rows;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PaymentRepository payments;
    @Autowired
    PaymentService service;
    @Autowired
    ParkedHere parkedHere;

    @Test
    void theAnswerDecidesTheCallbackThisInstanceKeptWithoutReadingItBack() {
        Payment inserted = unansweredPayment();
        ParkedCallback kept = park(inserted, "ws_CO_" + inserted.id(), "RKEPT00001");
        parkedHere.noteParked(inserted.id(), kept);

        PaymentService.Created created = service.answerInOneRoundTrip(inserted, accepted(inserted), c -> {
        });

        assertThat(created).as("stored in one round trip").isNotNull();
        assertThat(created.payment().status().apiName()).isEqualTo("succeeded");
        assertThat(created.payment()).as("the answer's view is the stored row").isEqualTo(payments.find(inserted.id()).orElseThrow());
        assertThat(created.payment().receipt()).isEqualTo("RKEPT00001");
        assertThat(status(kept.id())).isEqualTo("processed");
        assertThat(events(inserted)).containsExactly("payment.succeeded");
    }

    @Test
    void theSameCallbackParkedTwiceHereSettlesThePaymentOnceAndTheCopyIsADuplicate() {
        Payment inserted = unansweredPayment();
        String reference = "ws_CO_" + inserted.id();
        ParkedCallback first = park(inserted, reference, "RTWICE0001");
        ParkedCallback again = park(inserted, reference, "RTWICE0001");
        parkedHere.noteParked(inserted.id(), first);
        parkedHere.noteParked(inserted.id(), again);

        PaymentService.Created created = service.answerInOneRoundTrip(inserted, accepted(inserted), c -> {
        });

        assertThat(created).isNotNull();
        assertThat(created.payment().status().apiName()).isEqualTo("succeeded");
        assertThat(List.of(status(first.id()), status(again.id()))).containsExactly("processed", "duplicate");
        assertThat(events(inserted)).containsExactly("payment.succeeded");
    }

    @Test
    void aCallbackParkedWhereThisInstanceCannotKnowItFailsTheShortcutAndTheLongWayDecidesBoth() {
        Payment inserted = unansweredPayment();
        String reference = "ws_CO_" + inserted.id();
        ParkedCallback kept = park(inserted, reference, "RKEPT00002");
        parkedHere.noteParked(inserted.id(), kept);
        // The same news parked by another instance (the provider sent it twice, to two gateways).
        ParkedCallback elsewhere = park(inserted, reference, "RKEPT00002");

        assertThat(service.answerInOneRoundTrip(inserted, accepted(inserted), c -> {
        })).as("not stored in one round trip").isNull();
        Payment untouched = payments.find(inserted.id()).orElseThrow();
        assertThat(untouched.initiationAnswered()).as("nothing of the shortcut stored").isFalse();
        assertThat(untouched.status().apiName()).isEqualTo("pending");
        assertThat(List.of(status(kept.id()), status(elsewhere.id()))).containsOnly("parked");

        service.recordInitiation(inserted.id(), accepted(inserted));

        assertThat(payments.find(inserted.id()).orElseThrow().status().apiName()).isEqualTo("succeeded");
        assertThat(List.of(status(kept.id()), status(elsewhere.id()))).containsExactlyInAnyOrder("processed", "duplicate");
        assertThat(events(inserted)).containsExactly("payment.succeeded");
    }

    @Test
    void aKeptCopyWhoseRowIsNotParkedDecidesNothing() {
        Payment inserted = unansweredPayment();
        // Noted before its park committed, and the park then rolled back: the provider was never
        // told it was received, so it must not settle the payment.
        ParkedCallback phantom = new ParkedCallback("cb_phantom" + System.nanoTime(), Map.of(),
                callbackBody("ws_CO_" + inserted.id(), "RPHANTOM01").getBytes(StandardCharsets.UTF_8), "result");
        jdbc.sql("update payments set callbacks_parked = true where id = ?").param(inserted.id()).update();
        parkedHere.noteParked(inserted.id(), phantom);

        assertThat(service.answerInOneRoundTrip(inserted, accepted(inserted), c -> {
        })).as("not stored in one round trip").isNull();
        assertThat(payments.find(inserted.id()).orElseThrow().status().apiName()).isEqualTo("pending");
        assertThat(events(inserted)).isEmpty();

        service.recordInitiation(inserted.id(), accepted(inserted));
        Payment answered = payments.find(inserted.id()).orElseThrow();
        assertThat(answered.initiationAnswered()).isTrue();
        assertThat(answered.status().apiName()).as("still waiting for a real callback").isEqualTo("pending");
    }

    @Test
    void withNothingParkedTheAnswerStillGoesInOneRoundTrip() {
        Payment inserted = unansweredPayment();
        PaymentService.Created created = service.answerInOneRoundTrip(inserted, accepted(inserted), c -> {
        });
        assertThat(created).isNotNull();
        assertThat(created.payment()).isEqualTo(payments.find(inserted.id()).orElseThrow());
        assertThat(created.payment().status().apiName()).isEqualTo("pending");
    }

    private static Outcome accepted(Payment p) {
        return new Outcome.Pending("ws_CO_" + p.id(), "Success. Request accepted for processing");
    }

    /** A callback parked as a park leaves it: its row, and the payment's note of it. */
    private ParkedCallback park(Payment p, String checkoutRequestId, String receipt) {
        String id = "cb_kept" + System.nanoTime();
        String body = callbackBody(checkoutRequestId, receipt);
        jdbc.sql("""
                        insert into provider_callbacks (id, payment_id, received_at, headers, body, channel, status)
                        values (?, ?, ?, '{}', ?, 'result', 'parked')""")
                .params(id, p.id(), Timestamp.from(Instant.now()), body).update();
        jdbc.sql("update payments set callbacks_parked = true where id = ?").param(p.id()).update();
        return new ParkedCallback(id, Map.of(), body.getBytes(StandardCharsets.UTF_8), "result");
    }

    private static String callbackBody(String checkoutRequestId, String receipt) {
        return """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"%s","ResultCode":0,
                "ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"MpesaReceiptNumber","Value":"%s"}]}}}}"""
                .formatted(checkoutRequestId, receipt);
    }

    private String status(String callbackId) {
        return jdbc.sql("select status from provider_callbacks where id = ?").param(callbackId).query(String.class).single();
    }

    private List<String> events(Payment p) {
        return jdbc.sql("select type from payment_events where payment_id = ?").param(p.id()).query(String.class).list();
    }

    /** A pending payment as creation leaves it, before its initiation's answer. */
    private Payment unansweredPayment() {
        return payments.find(rows.insert("kept", PendingPayments.token(), null, false)).orElseThrow();
    }
}
