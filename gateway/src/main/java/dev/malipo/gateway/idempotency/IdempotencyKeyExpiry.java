package dev.malipo.gateway.idempotency;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.malipo.gateway.support.MalipoProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Forgets Idempotency-Keys once they are older than the retention (24 h by default, as Stripe
 * does): a retry comes within minutes, and without this the table grows by one row per payment
 * forever. A key used again after that is a new request. The payments themselves stay.
 */
@Component
public class IdempotencyKeyExpiry {
    private static final Logger log = LoggerFactory.getLogger(IdempotencyKeyExpiry.class);
    static final String TASK = "expire-idempotency-keys";
    /** Rows per delete: short transactions that never hold many locks. */
    private static final int BATCH = 1000;
    /** Keys outlive their retention by at most this. */
    private static final Duration EVERY = Duration.ofMinutes(10);

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Duration retention;

    IdempotencyKeyExpiry(JdbcClient jdbc, Clock clock, MalipoProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.retention = properties.api().idempotencyKeyRetention();
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        RecurringTask<Void> idempotencyKeyExpiryTask(IdempotencyKeyExpiry expiry) {
            return Tasks.recurring(TASK, Schedules.fixedDelay(EVERY)).execute((instance, ctx) -> expiry.expire());
        }
    }

    /** Deletes the keys past their retention. @return how many */
    public int expire() {
        return expireCreatedBefore(clock.instant().minus(retention));
    }

    /** Deletes keys first used before {@code cutoff}, a batch per transaction. @return how many */
    public int expireCreatedBefore(Instant cutoff) {
        int total = 0;
        while (true) {
            int deleted = jdbc.sql("""
                            delete from idempotency_keys where (merchant_id, idem_key) in
                              (select merchant_id, idem_key from idempotency_keys where created_at < ? limit ?)""")
                    .params(Timestamp.from(cutoff), BATCH).update();
            total += deleted;
            if (deleted < BATCH) break;
        }
        if (total > 0) log.info("forgot {} idempotency keys first used before {}", total, cutoff);
        return total;
    }
}
