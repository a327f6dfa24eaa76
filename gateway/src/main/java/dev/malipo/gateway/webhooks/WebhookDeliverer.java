package dev.malipo.gateway.webhooks;

import com.github.kagkarlsson.scheduler.task.FailureHandler;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.merchants.MerchantService;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.SecretBox;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Delivers one webhook: signs the event, POSTs it, records the attempt. A failure throws so
 * db-scheduler retries with exponential backoff; after the last attempt the delivery is marked
 * failed (its attempts stay on record).
 */
@Component
class WebhookDeliverer {
    private static final Logger log = LoggerFactory.getLogger(WebhookDeliverer.class);

    private final WebhookRepository webhooks;
    private final MerchantService merchants;
    private final SecretBox secretBox;
    private final MalipoProperties.Webhooks config;
    private final Clock clock;
    private final MeterRegistry meters;
    private final HttpClient http;

    WebhookDeliverer(WebhookRepository webhooks, MerchantService merchants, SecretBox secretBox,
                     MalipoProperties properties, Clock clock, MeterRegistry meters) {
        this.webhooks = webhooks;
        this.merchants = merchants;
        this.secretBox = secretBox;
        this.config = properties.webhooks();
        this.clock = clock;
        this.meters = meters;
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Configuration(proxyBeanMethods = false)
    static class TaskConfig {
        @Bean
        Task<Void> deliverWebhookTask(WebhookDeliverer deliverer, MalipoProperties properties) {
            MalipoProperties.Webhooks config = properties.webhooks();
            return Tasks.oneTime(Jobs.DELIVER_WEBHOOK)
                    .onFailure(new FailureHandler.MaxRetriesFailureHandler<>(config.maxAttempts(),
                            new FailureHandler.ExponentialBackoffFailureHandler<>(config.firstRetryDelay(), 2.0)))
                    .execute((instance, ctx) -> deliverer.deliver(instance.getId()));
        }
    }

    /** Thrown to make the scheduler retry; carries no secret. */
    static final class DeliveryFailed extends RuntimeException {
        DeliveryFailed(String message) {
            super(message, null, false, false);
        }
    }

    void deliver(String deliveryId) {
        WebhookRepository.Delivery d = webhooks.delivery(deliveryId).orElse(null);
        if (d == null || !"pending".equals(d.status())) {
            return;
        }
        String secret = d.endpointId() == null ? merchants.webhookSecret(d.merchantId())
                : secretBox.open(webhooks.endpointSecretEnc(d.endpointId()).orElseThrow());
        int attempt = d.attempts() + 1;
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        Integer status = null;
        String error = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(config.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Malipo-Webhooks/1")
                    .header("Malipo-Event-Id", d.eventId())
                    .header(WebhookSignature.HEADER, WebhookSignature.sign(secret, clock.instant().getEpochSecond(), d.payload()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.payload()))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long ms = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        boolean ok = status != null && status >= 200 && status < 300;
        webhooks.recordAttempt(Ids.newId("wha"), deliveryId, attempt, started, status, ms,
                error == null ? null : error.length() > 480 ? error.substring(0, 480) : error, ok);
        meters.counter("malipo.webhooks.attempts", "result", ok ? "delivered" : "failed").increment();
        if (ok) {
            webhooks.updateDelivery(deliveryId, "delivered", attempt, status, clock.instant());
            return;
        }
        boolean last = attempt >= config.maxAttempts();
        webhooks.updateDelivery(deliveryId, last ? "failed" : "pending", attempt, status, null);
        log.warn("webhook {} attempt {} to endpoint {} failed: {}{}", deliveryId, attempt,
                d.endpointId() == null ? "(payment webhook_url)" : d.endpointId(), status != null ? "HTTP " + status : error,
                last ? "; giving up" : "; will retry");
        if (!last) {
            throw new DeliveryFailed("webhook delivery " + deliveryId + " attempt " + attempt + " failed");
        }
    }
}
