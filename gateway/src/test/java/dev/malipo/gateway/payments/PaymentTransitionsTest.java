package dev.malipo.gateway.payments;

import dev.malipo.core.payment.FailureReason;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The state machine on a real database: racing writers, one winner, one event; terminal is final. */
class PaymentTransitionsTest extends PostgresTestBase {
    @Autowired
    PaymentTransitions transitions;
    @Autowired
    PaymentRepository payments;
    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    private String newPayment(String status) {
        String merchant = merchants.create("Transitions " + System.nanoTime()).merchantId();
        String account = "pa_" + System.nanoTime();
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("insert into provider_accounts (id, merchant_id, provider, country, mode, base_url, settings_enc, created_at) values (?,?,?,?,?,?,?,?)")
                .params(account, merchant, "mpesa", "KE", "test", "http://127.0.0.1:1", "v1:unused", now).update();
        String id = "pay_" + System.nanoTime();
        jdbc.sql("""
                        insert into payments (id, merchant_id, kind, mode, status, amount, currency, phone, network, provider,
                          provider_account_id, callback_token, created_at, updated_at)
                        values (?, ?, 'collection', 'test', ?, 100, 'KES', '+254708374149', 'safaricom', 'mpesa', ?, ?, ?, ?)""")
                .params(id, merchant, status, account, Long.toHexString(System.nanoTime()) + "0123456789abcdef", now, now).update();
        return id;
    }

    @Test
    void racingSettlementsProduceOneWinnerAndOneEvent() throws Exception {
        String id = newPayment("pending");
        Payment seen = payments.find(id).orElseThrow();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 16; i++) {
                boolean succeed = i % 2 == 0;
                results.add(pool.submit(() -> {
                    go.await();
                    return succeed ? transitions.move(seen, PaymentStatus.SUCCEEDED, "RCPT123", null)
                            : transitions.move(seen, PaymentStatus.FAILED, null, FailureReason.of("x", "y", false));
                }));
            }
            go.countDown();
            long winners = 0;
            for (Future<Boolean> f : results) if (f.get()) winners++;
            assertThat(winners).isEqualTo(1);
        }
        Payment after = payments.find(id).orElseThrow();
        assertThat(after.status().isTerminal()).isTrue();
        assertThat(jdbc.sql("select count(*) from payment_events where payment_id = ?").param(id).query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void aSettledPaymentLeavesTheFirstCheckSweepAndAnUnknownOneStays() {
        String settled = newPayment("pending");
        String unknown = newPayment("pending");
        Timestamp due = Timestamp.from(Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS));
        jdbc.sql("update payments set first_check_at = ? where id in (?, ?)").params(due, settled, unknown).update();

        transitions.move(payments.find(settled).orElseThrow(), PaymentStatus.SUCCEEDED, "RCPT1", null);
        transitions.move(payments.find(unknown).orElseThrow(), PaymentStatus.UNKNOWN, null, null);

        assertThat(firstCheckAt(settled)).as("nothing left to check").isNull();
        assertThat(firstCheckAt(unknown)).as("only the provider can settle it").isEqualTo(due);
        assertThat(payments.firstChecksDue(due.toInstant(), 1000)).contains(unknown).doesNotContain(settled);
    }

    @Test
    void aFirstCheckIsTakenOnceWhoeverRacesForIt() throws Exception {
        String id = newPayment("pending");
        // Due later than the test lasts, so the application's own sweep stays out of the race.
        jdbc.sql("update payments set first_check_at = ? where id = ?").params(Timestamp.from(Instant.now().plusSeconds(3600)), id)
                .update();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> takes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                takes.add(pool.submit(() -> {
                    go.await();
                    return payments.takeFirstCheck(id);
                }));
            }
            go.countDown();
            long taken = 0;
            for (Future<Boolean> f : takes) if (f.get()) taken++;
            assertThat(taken).isEqualTo(1);
        }
        assertThat(firstCheckAt(id)).isNull();
    }

    private Timestamp firstCheckAt(String id) {
        return jdbc.sql("select first_check_at from payments where id = ?").param(id).query(Timestamp.class).list().getFirst();
    }

    @Test
    void terminalStatesAreFinalAndUnknownIsNotExpiredByATimer() {
        String id = newPayment("succeeded");
        Payment done = payments.find(id).orElseThrow();
        assertThat(transitions.move(done, PaymentStatus.FAILED, null, FailureReason.of("x", "y", false))).isFalse();
        assertThat(payments.find(id).orElseThrow().status()).isEqualTo(PaymentStatus.SUCCEEDED);

        String unknownId = newPayment("unknown");
        Payment unknown = payments.find(unknownId).orElseThrow();
        assertThat(transitions.move(unknown, PaymentStatus.EXPIRED, null, null)).isFalse();
        assertThat(transitions.move(unknown, PaymentStatus.SUCCEEDED, "R1", null)).isTrue();
    }

    @Test
    void aStaleViewChangesNothing() {
        String id = newPayment("pending");
        Payment stale = payments.find(id).orElseThrow();
        assertThat(transitions.move(stale, PaymentStatus.UNKNOWN, null, null)).isTrue();
        // Someone saw it pending before; their move must not apply to the now-unknown payment.
        assertThat(transitions.move(stale, PaymentStatus.EXPIRED, null, null)).isFalse();
        assertThat(payments.find(id).orElseThrow().status()).isEqualTo(PaymentStatus.UNKNOWN);
    }

    @Test
    void aHeldPaymentsChangeIsWhatTheDatabaseHoldsOnceCommitted() {
        String failed = newPayment("pending");
        FailureReason why = new FailureReason("insufficient_funds", "The customer's balance is too low", "Top up and try again",
                true, "1", "The balance is insufficient for the transaction");
        Payment failedAfter = tx.execute(s -> transitions.moveHeldTo(payments.lock(failed), PaymentStatus.FAILED, null, why));
        assertThat(failedAfter).usingRecursiveComparison().isEqualTo(payments.find(failed).orElseThrow());
        assertThat(failedAfter.failure()).isEqualTo(why);
        assertThat(failedAfter.completedAt()).isEqualTo(failedAfter.updatedAt());

        String unknown = newPayment("pending");
        Payment unknownAfter = tx.execute(s -> transitions.moveHeldTo(payments.lock(unknown), PaymentStatus.UNKNOWN, null, null));
        Payment succeeded = tx.execute(s -> transitions.moveHeldTo(payments.lock(unknown), PaymentStatus.SUCCEEDED, "RCPT9", null));
        assertThat(unknownAfter.completedAt()).as("not final").isNull();
        assertThat(succeeded).usingRecursiveComparison().isEqualTo(payments.find(unknown).orElseThrow());
        assertThat(succeeded.receipt()).isEqualTo("RCPT9");
        assertThat(events(unknown)).containsExactly("payment.unknown", "payment.succeeded");
    }

    @Test
    void aHeldChangeWhoseRowMovedAfterAllFailsTheCommitAndLeavesNoEvent() {
        String id = newPayment("pending");
        Payment notReallyHeld = payments.find(id).orElseThrow(); // read without the lock: a bug in the caller
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            transitions.moveHeldTo(notReallyHeld, PaymentStatus.SUCCEEDED, "RCPT1", null);
            jdbc.sql("update payments set status = 'failed' where id = ?").param(id).update(); // what a racing writer did
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer pending");
        assertThat(payments.find(id).orElseThrow().status()).as("rolled back with it").isEqualTo(PaymentStatus.PENDING);
        assertThat(events(id)).isEmpty();
    }

    private List<String> events(String paymentId) {
        return jdbc.sql("select type from payment_events where payment_id = ? order by created_at").param(paymentId)
                .query(String.class).list();
    }
}
