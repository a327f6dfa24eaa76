package dev.malipo.gateway.webhooks;

import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.malipo.core.http.ProviderHttp;
import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.SecretBox;
import dev.malipo.gateway.support.WebhookTargets;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers one webhook: signs the event, POSTs it, records the attempt. The first attempt runs
 * right after the event commits ({@link #deliverSoon}); later ones are db-scheduler runs of the
 * delivery's job, which fail (throw) to be retried with exponential backoff. After the last
 * attempt the delivery is marked failed (its attempts stay on record).
 */
@Component
class WebhookDeliverer implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);
    /** First attempts under way at once. */
    static final int MAX_IMMEDIATE_ATTEMPTS = 256;
    /**
     * First attempts allowed to wait for one of those slots. Past this the delivery is left to its
     * job (the safety-net delay later): waiting costs a parked virtual thread each, so it is bounded,
     * but skipping costs the merchant the whole delay, so the bound is generous.
     */
    static final int MAX_WAITING_ATTEMPTS = 10_000;

    private final WebhookRepository webhooks;
    private final MerchantService merchants;
    private final SecretBox secretBox;
    private final MalipoProperties.Webhooks config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final HttpClient http;
    private final TransactionTemplate tx;
    private final WebhookTargets targets;
    private final ExecutorService immediate = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-", 0).factory());
    private final Semaphore immediateSlots = new Semaphore(MAX_IMMEDIATE_ATTEMPTS);
    /** Endpoint secrets, opened once: an endpoint's secret never changes. */
    private final Map<String, String> endpointSecrets = new ConcurrentHashMap<>();

    WebhookDeliverer(WebhookRepository webhooks, MerchantService merchants, SecretBox secretBox,
                     MalipoProperties properties, Clock clock, MeterRegistry meters, TransactionTemplate tx,
                     WebhookTargets targets) {
        this.webhooks = webhooks;
        this.merchants = merchants;
        this.secretBox = secretBox;
        this.config = properties.webhooks();
        this.clock = clock;
        this.meters = meters;
        this.tx = tx;
        this.targets = targets;
        this.http = ProviderHttp.newClient(config.timeout());
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        Task<Void> deliverWebhookTask(WebhookDeliverer deliverer, MalipoProperties properties) {
            MalipoProperties.Webhooks config = properties.webhooks();
            // The job's first run is the second attempt (the first ran at once), so its backoff
            // starts one step further: gaps of first-retry-delay, then twice that, and so on.
            return Tasks.oneTime(Jobs.DELIVER_WEBHOOK)
                    .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(config.maxAttempts(),
                            new FailureHandler.ExponentialBackoffFailureHandler<>(config.firstRetryDelay().multipliedBy(2), 2.0)))
                    .execute((instance, ctx) -> deliverer.deliver(instance.getId()));
        }

        /**
         * Hands each delivery still pending at its safety-net time to its job (once: see
         * {@link Jobs#sweep}). One delivered at once never becomes a job.
         */
        @Bean
        RecurringTask<Void> webhookSafetyNetSweep(Jobs jobs, WebhookRepository webhooks) {
            return jobs.sweep(Jobs.SWEEP_WEBHOOK_SAFETY_NETS, Jobs.DELIVER_WEBHOOK, webhooks::safetyNetsDue, webhooks::takeSafetyNet,
                    id -> id);
        }
    }

    /** Thrown to make the scheduler retry; carries no secret. */
    static final class DeliveryFailed extends RuntimeException {
        DeliveryFailed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The first attempt, off the committing thread. It waits for a free slot when many are under
     * way; only past {@link #MAX_WAITING_ATTEMPTS} waiting is it left to the job.
     */
    void deliverSoon(WebhookRepository.Delivery d) {
        if (waitingAttempts.incrementAndGet() > MAX_WAITING_ATTEMPTS) {
            waitingAttempts.decrementAndGet();
            return;
        }
        try {
            immediate.execute(() -> {
                try {
                    immediateSlots.acquire();
                } catch (InterruptedException e) {
                    waitingAttempts.decrementAndGet();
                    return; // shutting down: the job delivers it
                }
                waitingAttempts.decrementAndGet();
                try {
                    attempt(d, false);
                } catch (RuntimeException e) {
                    log.warn("webhook {} first attempt could not be recorded ({}); its job will retry", d.id(), e.toString());
                } finally {
                    immediateSlots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            waitingAttempts.decrementAndGet(); // shutting down: the job delivers it
        }
    }

    private final AtomicInteger waitingAttempts = new AtomicInteger();

    /** The job: a delivery not delivered yet. */
    void deliver(String deliveryId) {
        WebhookRepository.Delivery d = webhooks.delivery(deliveryId).orElse(null);
        if (d == null || !"pending".equals(d.status())) {
            return;
        }
        attempt(d, true);
    }

    private void attempt(WebhookRepository.Delivery d, boolean fromJob) {
        String secret = d.endpointId() == null ? merchants.webhookSecret(d.merchantId())
                : endpointSecrets.computeIfAbsent(d.endpointId(), id -> secretBox.open(webhooks.endpointSecretEnc(id).orElseThrow()));
        int attempt = d.attempts() + 1;
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            URI url = URI.create(d.url());
            // Registered before the limit was set, or a name that resolves to a blocked address:
            // a failed attempt like any other (retried, as the name's answer may change), never a request.
            error = targets.refusedBeforeSending(url).orElse(null);
            if (error == null) {
                HttpRequest request = HttpRequest.newBuilder(url)
                        .timeout(config.timeout())
                        .header("Content-Type", "application/json")
                        .header("User-Agent", "Malipo-Webhooks/1")
                        .header("Malipo-Event-Id", d.eventId())
                        .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, clock.instant().getEpochSecond(), d.payload()))
                        .POST(HttpRequest.BodyPublishers.ofString(d.payload()))
                        .build();
                status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        boolean ok = status != null && status >= 200 && status < 300;
        boolean last = !ok && attempt >= config.maxAttempts();
        Integer code = status;
        String err = error == null ? null : error.length() > 480 ? error.substring(0, 480) : error;
        WebhookRepository.Attempt result = new WebhookRepository.Attempt(Ids.newId("wha"), d.id(), attempt, started, code, ms,
                err, ok, ok ? "delivered" : last ? "failed" : "pending", ok ? clock.instant() : null);
        if (fromJob) {
            tx.executeWithoutResult(s -> webhooks.record(result));
        } else {
            // Nobody waits for this record, and the delivery's safety net still stands should it be lost.
            webhooks.recordSoon(result);
        }
        meters.counter("malipo.webhooks.attempts", "result", ok ? "delivered" : "failed").increment();
        if (ok) {
            return;
        }
        log.warn("webhook {} attempt {} to endpoint {} failed: {}{}", d.id(), attempt,
                d.endpointId() == null ? "(payment webhook_url)" : d.endpointId(), status != null ? "HTTP " + status : error,
                last ? "; giving up" : "; will retry");
        if (fromJob && !last) {
            throw new DeliveryFailed("webhook delivery " + d.id() + " attempt " + attempt + " failed");
        }
    }

    @Override
    public void destroy() {
        immediate.shutdownNow(); // attempts cut short are retried by their jobs
    }
}
