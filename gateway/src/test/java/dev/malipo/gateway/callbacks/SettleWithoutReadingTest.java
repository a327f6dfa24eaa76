package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.payments.AnsweredHere;
import dev.malipo.gateway.payments.Payment;
import dev.malipo.gateway.payments.PaymentRepository;
import dev.malipo.gateway.support.PendingPayments;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A callback for a payment whose answer this instance stored is decided without reading the row
 * first — and when the copy kept here is stale (the payment moved meanwhile, elsewhere), the
 * database's check sends it the usual way: a terminal status never changes.
 */
class SettleWithoutReadingTest extends PostgresTestBase {
    @Autowired
    CallbackProcessor processor;
    @Autowired
    PendingPayments rows;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PaymentRepository payments;
    @Autowired
    AnsweredHere answeredHere;

    @Test
    void aCallbackForAPaymentAnsweredHereSettlesIt() {
        Payment answered = answeredPayment();
        answeredHere.remember(answered);

        assertThat(processor.receive(callback(answered, 0, "RSHORT0001"))).isTrue();

        Payment settled = payments.find(answered.id()).orElseThrow();
        assertThat(settled.status().apiName()).isEqualTo("succeeded");
        assertThat(settled.receipt()).isEqualTo("RSHORT0001");
        assertThat(jdbc.sql("select status || '/' || note from provider_callbacks where payment_id = ?").param(answered.id())
                .query(String.class).list()).containsExactly("processed/applied");
        assertThat(events(answered)).containsExactly("payment.succeeded");
        assertThat(answeredHere.take(answered.callbackToken())).as("taken once").isNull();
    }

    @Test
    void theSameCallbackTwiceAtOnceSettlesThePaymentOnce() throws Exception {
        for (int round = 0; round < 20; round++) {
            Payment answered = answeredPayment();
            answeredHere.remember(answered);
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<Boolean>> received = new ArrayList<>();
                for (int copy = 0; copy < 2; copy++) {
                    received.add(threads.submit(() -> {
                        start.await();
                        return processor.receive(callback(answered, 0, "RTWICE0001"));
                    }));
                }
                start.countDown();
                for (Future<Boolean> r : received) assertThat(r.get(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                threads.shutdownNow();
            }
            assertThat(payments.find(answered.id()).orElseThrow().status().apiName()).isEqualTo("succeeded");
            assertThat(jdbc.sql("select status from provider_callbacks where payment_id = ?").param(answered.id())
                    .query(String.class).list()).as("round %d", round).containsExactlyInAnyOrder("processed", "duplicate");
            assertThat(events(answered)).as("round %d", round).containsExactly("payment.succeeded");
        }
    }

    @Test
    void aStaleCopyNeverMovesAPaymentThatSettledMeanwhile() {
        Payment answered = answeredPayment();
        answeredHere.remember(answered);
        // Settled meanwhile by a callback another instance received.
        jdbc.sql("update payments set status = 'succeeded', receipt = 'RELSEWHERE', completed_at = now() where id = ?")
                .param(answered.id()).update();

        // This one says the customer cancelled: believed on the stale copy, it would fail a paid payment.
        assertThat(processor.receive(callback(answered, 1032, null))).isTrue();

        Payment stored = payments.find(answered.id()).orElseThrow();
        assertThat(stored.status().apiName()).isEqualTo("succeeded");
        assertThat(stored.receipt()).isEqualTo("RELSEWHERE");
        assertThat(jdbc.sql("select status || '/' || note from provider_callbacks where payment_id = ?").param(answered.id())
                .query(String.class).list()).containsExactly("processed/no change");
        assertThat(events(answered)).isEmpty();
    }

    @Test
    void aCallbackThatDoesNotSettleGoesTheUsualWay() {
        Payment answered = answeredPayment();
        answeredHere.remember(answered);
        CallbackProcessor.Incoming other = callback(answered, 0, "ROTHER0001", "ws_CO_someone_else");

        assertThat(processor.receive(other)).isTrue();

        assertThat(payments.find(answered.id()).orElseThrow().status().apiName()).isEqualTo("pending");
        assertThat(jdbc.sql("select status from provider_callbacks where payment_id = ?").param(answered.id())
                .query(String.class).list()).containsExactly("rejected");
    }

    private List<String> events(Payment p) {
        return jdbc.sql("select type from payment_events where payment_id = ?").param(p.id()).query(String.class).list();
    }

    private CallbackProcessor.Incoming callback(Payment p, int resultCode, String receipt) {
        return callback(p, resultCode, receipt, p.providerReference());
    }

    private CallbackProcessor.Incoming callback(Payment p, int resultCode, String receipt, String checkoutRequestId) {
        String metadata = receipt == null ? "" : """
                ,"CallbackMetadata":{"Item":[{"Name":"MpesaReceiptNumber","Value":"%s"}]}""".formatted(receipt);
        String body = """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"%s","ResultCode":%d,
                "ResultDesc":"as the test says"%s}}}""".formatted(checkoutRequestId, resultCode, metadata);
        return new CallbackProcessor.Incoming(p.callbackToken(), "result", "127.0.0.1",
                Map.of("content-type", List.of("application/json")), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A pending payment as storing its initiation's answer leaves it. */
    private Payment answeredPayment() {
        return payments.find(rows.insert("settle", PendingPayments.token(), "ws_CO_settle" + System.nanoTime(), true)).orElseThrow();
    }
}
