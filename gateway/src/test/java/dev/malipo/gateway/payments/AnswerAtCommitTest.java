package dev.malipo.gateway.payments;

import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.CommitTail;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.PendingPayments;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The initiation's answer stored with its commit, in one round trip, when no callback is known to
 * be parked: a callback parked where this instance cannot know it (another instance) must still
 * fail that shortcut's check and be decided by the answer stored the long way.
 */
class AnswerAtCommitTest extends PostgresTestBase {
    static Sandbox sandbox;

    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ParkedHere parkedHere;
    @Autowired
    PendingPayments rows;
    @Autowired
    PaymentRepository payments;
    @Autowired
    TransactionTemplate tx;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }

    @Test
    void theRowAnAnswerStoredWithItsCommitLeavesIsTheRowAsStored() {
        Payment inserted = unansweredPayment();
        Payment answered = tx.execute(s -> payments.answerAtCommit(inserted, "ws_CO_first", Instant.now()));
        assertThat(payments.find(inserted.id()).orElseThrow()).isEqualTo(answered);
        assertThat(answered.providerReference()).isEqualTo("ws_CO_first");
        assertThat(answered.initiationAnswered()).isTrue();
    }

    @Test
    void aSecondAnswerFailsItsCheckAndNothingItsTransactionWroteIsStored() {
        Payment inserted = unansweredPayment();
        Instant first = Instant.now().truncatedTo(ChronoUnit.MICROS);
        tx.executeWithoutResult(s -> payments.answerAtCommit(inserted, "ws_CO_first", first));
        String callbackId = "cb_halfway" + System.nanoTime();

        // The duplicate, with a write made half-way through its transaction: all of it rolls back.
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> {
            payments.answerAtCommit(inserted, "ws_CO_second", first.plusSeconds(1));
            jdbc.sql("insert into provider_callbacks (id, payment_id, received_at, headers, body, channel, status)"
                    + " values (?, ?, ?, '{}', '{}', 'result', 'received')").params(callbackId, inserted.id(), Timestamp.from(first)).update();
        })).isInstanceOf(CommitTail.NotOneRow.class);

        Payment stored = payments.find(inserted.id()).orElseThrow();
        assertThat(stored.providerReference()).isEqualTo("ws_CO_first");
        assertThat(stored.initiationAnsweredAt()).isEqualTo(first);
        assertThat(jdbc.sql("select count(*) from provider_callbacks where id = ?").param(callbackId).query(Long.class).single())
                .as("the write made half-way").isZero();
    }

    /** A pending payment as creation leaves it, before its initiation's answer. */
    private Payment unansweredPayment() {
        return payments.find(rows.insert("answer", PendingPayments.token(), null, false)).orElseThrow();
    }

    @Test
    void aCallbackParkedWhereThisInstanceCannotKnowItIsStillDecidedWhenTheAnswerIsStored() throws Exception {
        MerchantService.NewMerchant m = merchants.create("Answer " + UUID.randomUUID());
        ApiClient api = new ApiClient("http://127.0.0.1:" + port, m.testKey());
        assertThat(api.post("/v1/provider_accounts", sandbox.providerAccountJson(), null).status()).isEqualTo(201);
        // 008: the provider accepts and the customer approves (its callback comes at once), but the
        // push's answer takes longer than the gateway waits: the callback is parked, the answer UNKNOWN.
        String reference = "A" + Long.toString(System.nanoTime() % 100_000_000_000L, 36);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<ApiClient.Response> created = client.submit(() -> api.post("/v1/payments",
                    "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"254708374008\",\"reference\":\"" + reference + "\"}",
                    UUID.randomUUID().toString()));
            Duration wait = Duration.ofSeconds(20);
            Await.until("callback parked", wait, () -> jdbc.sql("""
                            select count(*) from provider_callbacks c join payments p on p.id = c.payment_id
                            where p.reference = ? and c.status = 'parked' and p.initiation_answered_at is null""")
                    .param(reference).query(Long.class).single() == 1);
            String paymentId = jdbc.sql("select id from payments where reference = ?").param(reference).query(String.class).single();
            // As if another instance had parked it: this one has no hint of it.
            parkedHere.answered(paymentId);

            ApiClient.Response response = created.get(30, TimeUnit.SECONDS);
            assertThat(response.status()).isEqualTo(201);
            assertThat(jdbc.sql("select initiation_answered_at is not null from payments where id = ?").param(paymentId)
                    .query(Boolean.class).single()).as("answer stored").isTrue();
            // Stored in one round trip regardless, the answer would have left the callback parked for good.
            assertThat(jdbc.sql("select count(*) from provider_callbacks where payment_id = ? and status = 'parked'")
                    .param(paymentId).query(Long.class).single()).as("callbacks still parked").isZero();
        } finally {
            client.shutdownNow();
        }
    }
}
