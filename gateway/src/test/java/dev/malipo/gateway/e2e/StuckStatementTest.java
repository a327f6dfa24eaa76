package dev.malipo.gateway.e2e;

import com.zaxxer.hikari.HikariDataSource;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.Gateways;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sandbox;
import dev.malipo.gateway.support.TestDatabase;
import dev.malipo.sandbox.FaultConfig;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code malipo.database.statement-timeout} on a real PostgreSQL. Every connection a request can
 * get carries it; Flyway's migrations run without it. A statement stuck behind a lock held outside
 * the gateway (here: someone's open transaction that inserted the same Idempotency-Key) is
 * cancelled when it runs out: the request is answered 503 with nothing stored and no STK push
 * sent, instead of waiting for as long as the lock is held, and the same request, once the lock is
 * gone, goes through on the same pool.
 */
@ExtendWith(OutputCaptureExtension.class)
class StuckStatementTest {
    private static final String PHONE = "254708374149";

    @Test
    void everyPooledConnectionCarriesTheLimitAndMigrationsRunWithout() throws Exception {
        try (TestDatabase db = TestDatabase.postgres();
             ConfigurableApplicationContext gateway = Gateways.start(db, PostgresTestBase.freePort(),
                     "--malipo.database.statement-timeout=1s", "--spring.flyway.init-sqls=SET lock_timeout = '5s'")) {
            // The operator's own init SQL is kept, and the migrations ran with both (start-up would have failed).
            assertThat(gateway.getBean(Flyway.class).getConfiguration().getInitSql())
                    .isEqualTo("SET lock_timeout = '5s';\nSET statement_timeout = 0");
            // All of the pool's connections at once, so the ones Flyway used are among them had they
            // stayed: each must have been opened after the migrations, with the limit.
            HikariDataSource pool = (HikariDataSource) gateway.getBean(DataSource.class);
            List<Connection> held = new ArrayList<>();
            try {
                for (int i = 0; i < pool.getMaximumPoolSize(); i++) held.add(pool.getConnection());
                for (Connection c : held) {
                    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("show statement_timeout")) {
                        r.next();
                        assertThat(r.getString(1)).isEqualTo("1s");
                    }
                }
            } finally {
                for (Connection c : held) c.close();
            }
        }
    }

    @Test
    void aPaymentStuckBehindALockIsAnswered503WithNothingStoredThenGoesThrough(CapturedOutput output) throws Exception {
        try (Rig rig = new Rig()) {
            String body = paymentBody(PHONE, "stuck-1");
            String key = "stuck-" + UUID.randomUUID();

            ApiClient.Response stuck;
            long waitedNanos;
            try (Connection other = DriverManager.getConnection(rig.db.url(), rig.db.user(), rig.db.password())) {
                other.setAutoCommit(false);
                try (PreparedStatement insert = other.prepareStatement("""
                        insert into idempotency_keys (merchant_id, idem_key, request_hash, state, locked_at, created_at)
                        values (?, ?, 'held-elsewhere', 'in_progress', now(), now())""")) {
                    insert.setString(1, rig.merchant.merchantId());
                    insert.setString(2, key);
                    insert.executeUpdate();
                }
                long start = System.nanoTime();
                stuck = rig.api.post("/v1/payments", body, key);
                waitedNanos = System.nanoTime() - start;
                other.rollback();
            }

            assertThat(stuck.status()).as(stuck.body()).isEqualTo(503);
            assertThat(stuck.contentType()).startsWith("application/problem+json");
            assertThat(stuck.text("code")).isEqualTo("service_unavailable");
            assertThat(stuck.headers().get("Retry-After")).isEqualTo(List.of("1"));
            assertThat(Duration.ofNanos(waitedNanos)).as("cancelled by the 1 s limit, not at once and not by the lock's end")
                    .isBetween(Duration.ofMillis(900), Duration.ofSeconds(15));
            assertThat(rig.jdbc.sql("select count(*) from payments where merchant_id = ?").param(rig.merchant.merchantId()).query(Long.class).single())
                    .as("no payment row").isZero();
            assertThat(rig.sandbox.stkPushesTo(PHONE)).as("no STK push").isZero();
            // The operator's clue: which statement was stuck, without the request's values.
            assertThat(output.getOut()).contains("database statement cancelled").contains("insert into idempotency_keys")
                    .doesNotContain(key).doesNotContain(rig.merchant.testKey());

            ApiClient.Response retried = rig.api.post("/v1/payments", body, key);
            assertThat(retried.status()).as(retried.body()).isEqualTo(201);
            assertThat(rig.sandbox.stkPushesTo(PHONE)).isEqualTo(1);
        }
    }

    /**
     * Cancelled after the claim: the payment and its key committed, the STK push went out, and
     * storing the provider's answer is what waits behind the lock (someone holding the payment's
     * row). The claim stands and nothing else does; a retry with the key is shown that payment at
     * once, and the push is never sent again for it; and
     * reconciliation, not a guess, decides it — here unknown, since the CheckoutRequestID it could
     * ask about went with the cancelled transaction and this customer's callback never comes (006).
     */
    @Test
    void aPaymentWhoseAnswerIsCancelledKeepsItsClaimAndIsLeftToReconciliation(CapturedOutput output) throws Exception {
        try (Rig rig = new Rig()) {
            String phone = "254708374006";
            String body = paymentBody(phone, "stuck-2");
            String key = "stuck-" + UUID.randomUUID();
            // The push is answered 0.6 s after it arrives (the test's provider timeout is 1 s): time
            // to take the payment's row once its claim has committed.
            rig.sandbox.faults(new FaultConfig(600, 0, 0, 0, 0));

            CompletableFuture<ApiClient.Response> answer = CompletableFuture.supplyAsync(() -> rig.api.post("/v1/payments", body, key));
            String id;
            ApiClient.Response stuck;
            try (Connection other = DriverManager.getConnection(rig.db.url(), rig.db.user(), rig.db.password())) {
                other.setAutoCommit(false);
                id = claimedPayment(other, rig.merchant.merchantId());
                try (PreparedStatement lock = other.prepareStatement("select 1 from payments where id = ? for update")) {
                    lock.setString(1, id);
                    lock.executeQuery().close();
                }
                stuck = answer.get(15, TimeUnit.SECONDS);
                other.rollback();
            }

            assertThat(stuck.status()).as(stuck.body()).isEqualTo(503);
            assertThat(stuck.text("code")).isEqualTo("service_unavailable");
            assertThat(rig.sandbox.stkPushesTo(phone)).as("the push went out once").isEqualTo(1);
            // The claim stands (the payment row and its key); the answer does not.
            assertThat(rig.jdbc.sql("select status from payments where id = ?").param(id).query(String.class).single())
                    .isEqualTo("pending");
            assertThat(rig.jdbc.sql("select provider_reference is null and initiation_answered_at is null from payments where id = ?")
                    .param(id).query(Boolean.class).single()).as("no answer stored").isTrue();

            // The merchant retries as told, at once: shown the payment its key created, not a second push.
            ApiClient.Response retried = rig.api.post("/v1/payments", body, key);
            assertThat(retried.status()).as(retried.body()).isEqualTo(200);
            assertThat(retried.text("id")).isEqualTo(id);
            assertThat(retried.text("status")).isEqualTo("pending");
            assertThat(rig.sandbox.stkPushesTo(phone)).isEqualTo(1);

            // Reconciliation's first check (1 s after creation in the tests) finds an initiation that
            // never came back: unknown, emitted once, never failed.
            Await.until("reconciliation settled payment " + id + " as unknown", Duration.ofSeconds(15), () -> rig.jdbc
                    .sql("select status from payments where id = ?").param(id).query(String.class).single().equals("unknown"));
            assertThat(rig.jdbc.sql("select type from payment_events where payment_id = ?").param(id).query(String.class).list())
                    .containsExactly("payment.unknown");
            assertThat(output.getOut()).contains("database statement cancelled")
                    .containsOnlyOnce("payment " + id + ": the provider's answer is unknown");
            assertThat(rig.sandbox.stkPushesTo(phone)).isEqualTo(1);
        }
    }

    /** A gateway with the 1 s limit on a database of its own, the emulator, and a merchant with an account on it. */
    private static final class Rig implements AutoCloseable {
        final TestDatabase db;
        final Sandbox sandbox;
        final ConfigurableApplicationContext gateway;
        final JdbcClient jdbc;
        final MerchantService.NewMerchant merchant;
        final ApiClient api;

        Rig() {
            db = TestDatabase.postgres();
            Sandbox started = null;
            ConfigurableApplicationContext context = null;
            try {
                started = Sandbox.start();
                int port = PostgresTestBase.freePort();
                context = Gateways.start(db, port, "--malipo.database.statement-timeout=1s");
                merchant = context.getBean(MerchantService.class).create("Stuck " + UUID.randomUUID());
                api = new ApiClient("http://127.0.0.1:" + port, merchant.testKey());
                assertThat(api.post("/v1/provider_accounts", started.providerAccountJson(), null).status()).isEqualTo(201);
            } catch (RuntimeException | Error e) {
                if (context != null) context.close();
                if (started != null) started.close();
                db.close();
                throw e;
            }
            sandbox = started;
            gateway = context;
            jdbc = context.getBean(JdbcClient.class);
        }

        @Override
        public void close() {
            gateway.close();
            sandbox.close();
            db.close();
        }
    }

    private static String paymentBody(String phone, String reference) {
        return "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"" + phone + "\",\"reference\":\"" + reference + "\"}";
    }

    /** The id of the merchant's payment once its claim has committed (seen from another connection). */
    private static String claimedPayment(Connection other, String merchantId) throws Exception {
        AtomicReference<String> id = new AtomicReference<>();
        try (PreparedStatement find = other.prepareStatement("select id from payments where merchant_id = ?")) {
            find.setString(1, merchantId);
            Await.until("a payment created for " + merchantId, Duration.ofSeconds(10), () -> {
                try (ResultSet r = find.executeQuery()) {
                    if (r.next()) id.set(r.getString(1));
                    return id.get() != null;
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        return id.get();
    }
}
