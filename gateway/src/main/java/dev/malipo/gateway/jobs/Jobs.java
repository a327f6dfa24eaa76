package dev.malipo.gateway.jobs;

import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.Schedules;
import dev.malipo.gateway.support.MalipoProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Schedules a job. Called inside the business transaction that makes the job necessary, so the
 * two commit or roll back together. Scheduling an instance that already exists changes nothing,
 * which makes every caller idempotent.
 */
@Component
public class Jobs {
    /** Process a stored provider callback; instance id = callback id. */
    public static final String PROCESS_CALLBACK = "process-callback";
    /** Deliver one merchant webhook; instance id = delivery id. */
    public static final String DELIVER_WEBHOOK = "deliver-webhook";
    /** Ask the provider about a payment still pending; instance id = {@link #checkId}. */
    public static final String CHECK_PAYMENT = "check-payment";
    /** Recurring: hands payments whose first check is due to {@link #CHECK_PAYMENT}. */
    public static final String SWEEP_FIRST_CHECKS = "sweep-first-checks";
    /** Recurring: hands webhook deliveries still pending at their safety-net time to {@link #DELIVER_WEBHOOK}. */
    public static final String SWEEP_WEBHOOK_SAFETY_NETS = "sweep-webhook-safety-nets";

    private static final Object WAKE_UP_AFTER_COMMIT = new Object();

    /** Rows a sweep reads at a time. */
    private static final int SWEEP_BATCH = 200;

    // Looked up lazily: the scheduler is built from the tasks, whose handlers themselves schedule.
    private final ObjectProvider<JobsConfig> jobs;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration sweepInterval;

    Jobs(ObjectProvider<JobsConfig> jobs, TransactionTemplate tx, Clock clock, MalipoProperties properties) {
        this.jobs = jobs;
        this.tx = tx;
        this.clock = clock;
        this.sweepInterval = properties.jobs().sweepInterval();
    }

    /**
     * An instance id for several runs about one subject (a payment, a callback): "subject#tag",
     * the tag keeping the runs apart.
     */
    public static String instanceId(String subject, String tag) {
        return subject + "#" + tag;
    }

    /** The subject of an instance id made by {@link #instanceId} (or the id itself, if it has no tag). */
    public static String subjectOf(String instanceId) {
        int hash = instanceId.indexOf('#');
        return hash < 0 ? instanceId : instanceId.substring(0, hash);
    }

    /** The tag of an instance id made by {@link #instanceId}, or null. */
    public static String tagOf(String instanceId) {
        int hash = instanceId.indexOf('#');
        return hash < 0 ? null : instanceId.substring(hash + 1);
    }

    /** A payment's n-th status check in the regular series (the first is scheduled with the payment). */
    public static String checkId(String paymentId, int n) {
        return instanceId(paymentId, Integer.toString(n));
    }

    /** Ids due for a job, oldest first, at most {@code limit}. */
    @FunctionalInterface
    public interface Due {
        List<String> ids(Instant now, int limit);
    }

    /**
     * The recurring task {@code name} that runs {@link #handOverDue} every
     * {@code malipo.jobs.sweep-interval}; db-scheduler runs it on one instance at a time.
     */
    public RecurringTask<Void> sweep(String name, String task, Due due, Predicate<String> take, UnaryOperator<String> instanceId) {
        return Tasks.recurring(name, Schedules.fixedDelay(sweepInterval))
                .execute((instance, ctx) -> handOverDue(task, due, take, instanceId));
    }

    /**
     * A sweep: hands every row {@code due} names to a job of {@code task}, once each. For each id,
     * {@code take} clears the row's due time conditionally (false when another sweep, or the row's
     * own progress, got there first) in the transaction that schedules the job, so concurrent
     * sweeps schedule nothing twice and a crash between the two leaves neither.
     *
     * @return how many rows were handed over
     */
    int handOverDue(String task, Due due, Predicate<String> take, UnaryOperator<String> instanceId) {
        int handed = 0;
        while (true) {
            Instant now = clock.instant(); // the clock the due times were written with
            List<String> batch = due.ids(now, SWEEP_BATCH);
            for (String id : batch) {
                Boolean taken = tx.execute(s -> {
                    if (!take.test(id)) return false;
                    schedule(task, instanceId.apply(id), now);
                    return true;
                });
                if (Boolean.TRUE.equals(taken)) handed++;
            }
            if (batch.size() < SWEEP_BATCH) return handed;
        }
    }

    /** Schedules the instance unless it exists (one look-up and one insert). */
    public boolean schedule(String task, String instanceId, Instant at) {
        boolean created = jobs.getObject().scheduler().scheduleIfNotExists(new TaskInstance<Void>(task, instanceId), at);
        if (created) wakeUpAfterCommitIfDue(at);
        return created;
    }

    /**
     * Schedules an instance whose id was just made up (a fresh random id, or a payment's first
     * check): one insert, no look-up. A clash is a bug and fails the transaction.
     */
    public void scheduleNew(String task, String instanceId, Instant at) {
        jobs.getObject().scheduler().scheduleBatch(List.of(new TaskInstance<Void>(task, instanceId)), at);
        wakeUpAfterCommitIfDue(at);
    }

    private void wakeUpAfterCommitIfDue(Instant at) {
        if (at.isAfter(Instant.now())) return;
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            jobs.getObject().scheduler().triggerCheckForDueExecutions(); // already committed
            return;
        }
        if (!TransactionSynchronizationManager.hasResource(WAKE_UP_AFTER_COMMIT)) {
            // db-scheduler's immediate check runs right now, inside our still-open transaction, and
            // cannot see the new row: without this, a due job waits for the next poll (up to 1 s).
            JobsConfig config = jobs.getObject();
            TransactionSynchronizationManager.bindResource(WAKE_UP_AFTER_COMMIT, Boolean.TRUE);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    config.scheduler().triggerCheckForDueExecutions();
                }

                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(WAKE_UP_AFTER_COMMIT);
                }
            });
        }
    }
}
