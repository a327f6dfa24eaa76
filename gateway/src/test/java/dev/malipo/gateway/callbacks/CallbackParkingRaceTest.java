package dev.malipo.gateway.callbacks;

import dev.malipo.gateway.connectors.Connectors;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.payments.InitiationAnswered;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interleaving bench/flows found (18 of 500 callbacks stuck): the initiation's transaction has
 * stored the answer and looked for parked callbacks (none yet) but not committed; the callback's
 * job then parks. Parking under the payment's row lock makes the job wait for that commit.
 */
class CallbackParkingRaceTest extends PostgresTestBase {
    @Autowired
    CallbackProcessor processor;
    @Autowired
    MerchantService merchants;
    @Autowired
    Connectors connectors;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    ApplicationEventPublisher events;

    @Test
    void aCallbackParkedWhileTheAnswerIsBeingStoredIsNotLeftBehind() throws Exception {
        String merchant = merchants.create("Race " + System.nanoTime()).merchantId();
        String account = connectors.addAccount(merchant, "mpesa", "KE", Mode.TEST, URI.create("http://127.0.0.1:1"),
                Map.of("consumer-key", "k", "consumer-secret", "s", "short-code", "174379", "passkey", "p")).id();
        String paymentId = "pay_race" + System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, provider,
                          provider_account_id, callback_token, created_at, updated_at)
                        values (?, ?, 'collection', 'test', 'pending', 100, 'KES', '+254708374149', 'safaricom', 'mpesa', ?, ?, ?, ?)""")
                .params(paymentId, merchant, account, Long.toHexString(System.nanoTime()) + "fedcba9876543210", now, now).update();
        String callbackId = "cb_race" + System.nanoTime();
        String body = """
                {"Body":{"stkCallback":{"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_race","ResultCode":0,
                "ResultDesc":"ok","CallbackMetadata":{"Item":[{"Name":"MpesaReceiptNumber","Value":"RACE123456"}]}}}}""";
        jdbc.sql("insert into provider_callbacks (id, payment_id, received_at, headers, body, channel, status) values (?, ?, ?, '{}', ?, 'result', 'received')")
                .params(callbackId, paymentId, now, body).update();

        CountDownLatch answerStored = new CountDownLatch(1);
        CountDownLatch jobDone = new CountDownLatch(1);
        // Own threads: the common pool may have a single worker on a 2-core machine.
        java.util.concurrent.ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> initiation = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            jdbc.sql("update payments set initiation_answered_at = ?, provider_reference = 'ws_CO_race' where id = ?")
                    .params(Timestamp.from(Instant.now()), paymentId).update();
            events.publishEvent(new InitiationAnswered(paymentId)); // releases what is parked now: nothing yet
            answerStored.countDown();
            try {
                // Hold the transaction open while the job runs (it must wait for us, so give up after 1 s).
                jobDone.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), threads);
        assertThat(answerStored.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> job = CompletableFuture.runAsync(() -> {
            processor.process(callbackId);
            jobDone.countDown();
        }, threads);
        initiation.get(10, TimeUnit.SECONDS);
        job.get(10, TimeUnit.SECONDS);
        threads.shutdown();

        assertThat(jdbc.sql("select status from provider_callbacks where id = ?").param(callbackId).query(String.class).single())
                .isEqualTo("processed");
        assertThat(jdbc.sql("select status from payments where id = ?").param(paymentId).query(String.class).single())
                .isEqualTo("succeeded");
    }
}
