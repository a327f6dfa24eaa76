package dev.malipo.gateway.idempotency;

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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key claimed together with its resource's one INSERT, outside any transaction (on PostgreSQL
 * one statement that commits on its own): both are there when it returns, a repeat replays, and
 * inside a caller's transaction it refuses rather than commit that transaction's work half-way.
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

    private ResponseEntity<?> post(String key, String resourceId, AtomicInteger created) {
        byte[] body = ("{\"r\":\"" + resourceId + "\"}").getBytes(StandardCharsets.UTF_8);
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
