package dev.malipo.gateway.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.Task;
import dev.malipo.gateway.support.MalipoProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;

import javax.sql.DataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;

/**
 * Durable jobs on the gateway's own database, with db-scheduler: callback processing, webhook
 * delivery and reconciliation survive restarts and are shared by every instance on the database.
 * The scheduler sees the data source through a transaction-aware proxy, so a job scheduled inside
 * a business transaction exists exactly when that transaction commits (an outbox, in effect).
 */
@Configuration(proxyBeanMethods = false)
class JobsConfig {

    @Bean(destroyMethod = "")
    Scheduler scheduler(DataSource dataSource, List<Task<?>> tasks, MalipoProperties properties) {
        var builder = Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), tasks)
                .pollingInterval(properties.jobs().pollingInterval())
                .threads(properties.jobs().threads())
                .heartbeatInterval(Duration.ofSeconds(30))
                .enableImmediateExecution()
                .alwaysPersistTimestampInUTC()
                .shutdownMaxWait(Duration.ofSeconds(10));
        if (isPostgres(dataSource)) {
            // Claims due rows with FOR UPDATE SKIP LOCKED, so instances never contend for one job.
            builder.pollUsingLockAndFetch(0.5, 1.0);
        }
        return builder.build();
    }

    /** Starts the scheduler after the web server is up and stops it before the data source closes. */
    @Bean
    SmartLifecycle schedulerLifecycle(Scheduler scheduler) {
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                scheduler.start();
                running = true;
            }

            @Override
            public void stop() {
                scheduler.stop();
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE - 1000;
            }
        };
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
        } catch (Exception e) {
            return false;
        }
    }
}
