package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit that stands in for the payment path's foreign keys finds what they used to refuse. */
class OrphansTest extends PostgresTestBase {
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aCallbackAndAWebhookAttemptPointingNowhereAreFound() {
        // Inside a transaction that is rolled back: the audit after each test must find nothing.
        Map<String, Long> found = tx.execute(status -> {
            status.setRollbackOnly();
            Timestamp now = Timestamp.from(Instant.now());
            jdbc.sql("""
                    insert into provider_callbacks (id, payment_id, received_at, source_ip, headers, body, channel, status)
                    values ('cb_orphan', 'pay_nowhere', ?, '127.0.0.1', '{}', '{}', 'result', 'received')""").params(now).update();
            jdbc.sql("""
                    insert into webhook_attempts (id, delivery_id, attempt_no, attempted_at, duration_ms, success)
                    values ('wha_orphan', 'whd_nowhere', 1, ?, 3, true)""").params(now).update();
            return Orphans.find(jdbc);
        });
        assertThat(found).containsExactly(Map.entry("callbacks without their payment", 1L),
                Map.entry("webhook attempts without their delivery", 1L));
    }
}
