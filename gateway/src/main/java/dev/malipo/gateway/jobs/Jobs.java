package dev.malipo.gateway.jobs;

import com.github.kagkarlsson.scheduler.task.TaskInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Instant;

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
    /** Ask the provider about a payment still pending; instance id = payment id + "#" + check number. */
    public static final String CHECK_PAYMENT = "check-payment";

    private static final Object WAKE_UP_AFTER_COMMIT = new Object();

    // Looked up lazily: the scheduler is built from the tasks, whose handlers themselves schedule.
    private final ObjectProvider<JobsConfig> jobs;

    Jobs(ObjectProvider<JobsConfig> jobs) {
        this.jobs = jobs;
    }

    public boolean schedule(String task, String instanceId, Instant at) {
        JobsConfig config = jobs.getObject();
        boolean created = config.scheduler().scheduleIfNotExists(new TaskInstance<Void>(task, instanceId), at);
        if (created && !at.isAfter(Instant.now()) && TransactionSynchronizationManager.isSynchronizationActive()
                && !TransactionSynchronizationManager.hasResource(WAKE_UP_AFTER_COMMIT)) {
            // db-scheduler's immediate check runs right now, inside our still-open transaction, and
            // cannot see the new row: without this, a due job waits for the next poll (up to 1 s).
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
        return created;
    }
}
