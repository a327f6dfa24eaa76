package dev.malipo.gateway.jobs;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Clock;

/**
 * Queue depth and webhook backlog, read from the database when scraped (so they are right with
 * several instances): {@code malipo_jobs_due} (jobs whose time has come, not yet picked, by task)
 * and {@code malipo_webhooks_backlog} (deliveries not yet delivered nor given up).
 */
@Component
class BacklogMetrics implements MeterBinder {
    private final JdbcClient jdbc;
    private final Clock clock;

    BacklogMetrics(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (String task : new String[]{Jobs.PROCESS_CALLBACK, Jobs.DELIVER_WEBHOOK, Jobs.CHECK_PAYMENT}) {
            Gauge.builder("malipo.jobs.due", () -> count(
                            "select count(*) from scheduled_tasks where task_name = ? and picked = false and execution_time <= ?",
                            task, Timestamp.from(clock.instant())))
                    .tag("task", task).register(registry);
        }
        Gauge.builder("malipo.webhooks.backlog", () -> count("select count(*) from webhook_deliveries where status = 'pending'"))
                .register(registry);
    }

    private double count(String sql, Object... params) {
        try {
            return jdbc.sql(sql).params(params).query(Long.class).single();
        } catch (RuntimeException e) {
            return Double.NaN; // the database is down: health says so; the gauge should not fail the scrape
        }
    }
}
