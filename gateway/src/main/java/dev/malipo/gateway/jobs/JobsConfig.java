package dev.malipo.gateway.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.SqlDialect;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;

/**
 * Durable jobs on the gateway's own database, with db-scheduler: callback processing, webhook
 * delivery and reconciliation survive restarts and are shared by every instance on the database.
 * The scheduler sees the data source through a transaction-aware proxy, so a job scheduled inside
 * a business transaction exists exactly when that transaction commits (an outbox, in effect).
 *
 * <p>Runs after the web server is up and stops before the data source closes. A db-scheduler
 * instance cannot start twice, so a stopped context that is started again gets a new one — built
 * when it starts, not when the old one stops: building asks the database what it is, and at
 * shutdown the database may already be going (an embedded one closing with the JVM).
 */
@Component
class JobsConfig implements SmartLifecycle {
    private final DataSource dataSource;
    private final List<Task<?>> tasks;
    private final MalipoProperties properties;
    private final boolean postgres;
    private volatile Scheduler scheduler;
    private volatile boolean running;

    JobsConfig(DataSource dataSource, List<Task<?>> tasks, MalipoProperties properties, SqlDialect dialect) {
        this.dataSource = dataSource;
        this.tasks = tasks;
        this.properties = properties;
        this.postgres = dialect.postgres();
        this.scheduler = build();
    }

    /** The current scheduler, to schedule with (it is also a SchedulerClient). */
    Scheduler scheduler() {
        return scheduler;
    }

    private Scheduler build() {
        // Recurring tasks are given as start tasks (scheduled at start-up unless their row exists;
        // the scheduler knows them from that), the rest as known tasks.
        List<RecurringTask<?>> recurring = tasks.stream().filter(t -> t instanceof RecurringTask<?>)
                .<RecurringTask<?>>map(t -> (RecurringTask<?>) t).toList();
        List<Task<?>> oneTime = tasks.stream().filter(t -> !(t instanceof RecurringTask<?>)).toList();
        var builder = Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), oneTime)
                .startTasks(recurring)
                .pollingInterval(properties.jobs().pollingInterval())
                .threads(properties.jobs().threads())
                .heartbeatInterval(Duration.ofSeconds(30))
                .enableImmediateExecution()
                .alwaysPersistTimestampInUTC()
                .shutdownMaxWait(Duration.ofSeconds(10));
        if (postgres) {
            // Claims due rows with FOR UPDATE SKIP LOCKED, so instances never contend for one job.
            builder.pollUsingLockAndFetch(0.5, 1.0);
        }
        return builder.build();
    }

    @Override
    public synchronized void start() {
        if (running) return;
        if (scheduler.getSchedulerState().isStarted()) scheduler = build(); // stays true once started
        scheduler.start();
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
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
}
