package dev.malipo.gateway.idempotency;

import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.PostgresTestBase;
import dev.malipo.gateway.support.Sql;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key claimed together with its resource's one INSERT, outside any transaction (on PostgreSQL
 * one statement that commits on its own): both are there when it returns, a repeat replays, and
 * inside a caller's transaction it refuses rather than commit that transaction's work half-way. A
 * claim is held while its request works, and handed to retries as soon as the request fails.
 */
class ClaimAndCreateTest extends PostgresTestBase {
    @Autowired
    Idempotency idempotency;
    @Autowired
    MerchantService merchants;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    private String merchant;

    @BeforeEach
    void setUp() {
        merchant = merchants.create("Claims " + UUID.randomUUID()).merchantId();
        jdbc.sql("create table if not exists claim_probe (id varchar(40) primary key)").update();
    }

    private static byte[] body(String resourceId) {
        return ("{\"r\":\"" + resourceId + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private ResponseEntity<?> post(String key, String resourceId, AtomicInteger created) {
        byte[] body = body(resourceId);
        Function<Idempotency.Handle, ResponseEntity<?>> work = handle -> {
            handle.claimAndCreate(resourceId, Sql.of("insert into claim_probe (id) values (?)", resourceId));
            created.incrementAndGet();
            assertThat(jdbc.sql("select count(*) from claim_probe where id = ?").param(resourceId).query(Integer.class).single())
                    .as("committed when it returns").isEqualTo(1);
            return ResponseEntity.status(201).body("{\"id\":\"" + resourceId + "\"}");
        };
        return idempotency.run(merchant, key, "POST", "/probe", body, work, id -> ResponseEntity.ok("recovered " + id));
    }

    @Test
    void theClaimAndTheResourceAreCommittedTogetherAndARepeatReplays() {
        String key = UUID.randomUUID().toString();
        String id = "probe_" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger created = new AtomicInteger();
        ResponseEntity<?> first = post(key, id, created);
        ResponseEntity<?> again = post(key, id, created);
        assertThat(first.getStatusCode().value()).isEqualTo(201);
        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getBody()).isEqualTo(first.getBody());
        assertThat(created).as("the repeat's claim found the key taken and went no further").hasValue(1);
        assertThat(jdbc.sql("select state, resource_id from idempotency_keys where merchant_id = ? and idem_key = ?")
                .params(merchant, key).query((rs, n) -> rs.getString(1) + " " + rs.getString(2)).list())
                .containsExactly("completed " + id);
    }

    /**
     * Failed after its claim (the provider's answer not stored, say): the resource stands and nobody
     * works on it any more, so retries are shown it at once — eight at the same time, each the one
     * resource, none creating another — instead of "in progress" for the lock's minute.
     */
    @Test
    void aRequestThatFailedAfterItsClaimLetsRetriesRecoverTheResourceAtOnce() throws Exception {
        String key = UUID.randomUUID().toString();
        String id = "probe_" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger created = new AtomicInteger();
        assertThatThrownBy(() -> idempotency.run(merchant, key, "POST", "/probe", body(id), handle -> {
            handle.claimAndCreate(id, Sql.of("insert into claim_probe (id) values (?)", id));
            created.incrementAndGet();
            throw new IllegalStateException("the answer's transaction was cancelled");
        }, recovered -> ResponseEntity.ok("recovered " + recovered))).hasMessage("the answer's transaction was cancelled");

        List<ResponseEntity<?>> retries;
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<ResponseEntity<?>>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) sent.add(pool.submit(() -> post(key, id, created)));
            retries = new ArrayList<>();
            for (Future<ResponseEntity<?>> f : sent) retries.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(retries).allSatisfy(r -> {
            assertThat(r.getStatusCode().value()).isEqualTo(200);
            assertThat(r.getBody()).isEqualTo("recovered " + id);
        });
        assertThat(created).as("created once, by the request that failed").hasValue(1);
        assertThat(jdbc.sql("select count(*) from claim_probe where id = ?").param(id).query(Integer.class).single()).isEqualTo(1);
    }

    /** A request still working holds its claim: a retry meanwhile is told it is in progress, then replays its answer. */
    @Test
    void aRequestStillWorkingKeepsItsClaimUntilItAnswers() throws Exception {
        String key = UUID.randomUUID().toString();
        String id = "probe_" + UUID.randomUUID().toString().substring(0, 8);
        CountDownLatch claimed = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<ResponseEntity<?>> first = pool.submit(() -> idempotency.run(merchant, key, "POST", "/probe", body(id), handle -> {
                handle.claimAndCreate(id, Sql.of("insert into claim_probe (id) values (?)", id));
                claimed.countDown();
                await(answer);
                return ResponseEntity.status(201).body("{\"id\":\"" + id + "\"}");
            }, recovered -> ResponseEntity.ok("recovered " + recovered)));
            assertThat(claimed.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> post(key, id, new AtomicInteger()))
                    .isInstanceOfSatisfying(ApiException.IdempotencyConflict.class,
                            e -> assertThat(e.code()).isEqualTo("idempotency_request_in_progress"));
            answer.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).getStatusCode().value()).isEqualTo(201);
        }
        ResponseEntity<?> again = post(key, id, new AtomicInteger());
        assertThat(again.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.getBody()).isEqualTo("{\"id\":\"" + id + "\"}");
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void insideACallersTransactionItRefusesAndLeavesNothing() {
        String key = UUID.randomUUID().toString();
        String id = "probe_" + UUID.randomUUID().toString().substring(0, 8);
        assertThatThrownBy(() -> tx.executeWithoutResult(s -> post(key, id, new AtomicInteger())))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("claimWith");
        assertThat(jdbc.sql("select id from claim_probe where id = ?").param(id).query(String.class).list()).isEqualTo(List.of());
        assertThat(jdbc.sql("select count(*) from idempotency_keys where merchant_id = ? and idem_key = ?").params(merchant, key)
                .query(Integer.class).single()).isZero();
    }
}
