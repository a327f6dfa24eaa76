package dev.malipo.gateway.jobs;

import com.github.kagkarlsson.scheduler.task.TaskInstance;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

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

    // Looked up lazily: the scheduler is built from the tasks, whose handlers themselves schedule.
    private final ObjectProvider<JobsConfig> jobs;

    Jobs(ObjectProvider<JobsConfig> jobs) {
        this.jobs = jobs;
    }

    public boolean schedule(String task, String instanceId, Instant at) {
        return jobs.getObject().scheduler().scheduleIfNotExists(new TaskInstance<Void>(task, instanceId), at);
    }
}
