package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.payments.PaymentStatusChanged;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records one event per status change and one delivery per interested receiver, in the
 * transaction of the change itself. Each delivery is attempted as soon as that transaction
 * commits, and carries a safety-net time a little later: a delivery still pending then is handed
 * to a durable job by a sweep (see {@link WebhookDeliverer}). The job is the retry
 * when the first attempt failed, and the safety net when it never happened (the gateway stopped,
 * or was too busy to try at once). A delivered webhook clears its time, so it never becomes a job.
 */
@Component
class WebhookOutbox {
    private final WebhookRepository webhooks;
    private final MerchantEndpoints endpoints;
    private final WebhookDeliverer deliverer;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration safetyNet;

    WebhookOutbox(WebhookRepository webhooks, MerchantEndpoints endpoints, WebhookDeliverer deliverer, JsonMapper json, Clock clock,
                  MalipoProperties properties) {
        this.webhooks = webhooks;
        this.endpoints = endpoints;
        this.deliverer = deliverer;
        this.json = json;
        this.clock = clock;
        this.safetyNet = safetyNetDelay(properties.webhooks());
    }

    /**
     * When the job runs if the first attempt did not deliver: the first retry delay, but never
     * before a first attempt still in flight has surely ended (twice its timeout), so the job and
     * that attempt do not both deliver.
     */
    static Duration safetyNetDelay(MalipoProperties.Webhooks config) {
        Duration afterAttempt = config.timeout().multipliedBy(2);
        return config.firstRetryDelay().compareTo(afterAttempt) >= 0 ? config.firstRetryDelay() : afterAttempt;
    }

    @EventListener
    void on(PaymentStatusChanged change) {
        Instant now = clock.instant();
        String eventId = Ids.newId("evt");
        String type = change.eventType();
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", eventId);
        event.put("object", "event");
        event.put("type", type);
        event.put("created_at", now.toString());
        event.put("livemode", change.view().livemode());
        event.put("data", Map.of("object", change.view()));
        String payload = json.writeValueAsString(event);
        String merchantId = change.payment().merchantId();
        List<WebhookRepository.NewDelivery> deliveries = new ArrayList<>();
        for (WebhookRepository.Endpoint endpoint : endpoints.of(merchantId)) {
            if (endpoint.enabled() && endpoint.wants(type)) {
                deliveries.add(new WebhookRepository.NewDelivery(Ids.newId("whd"), endpoint.id(), endpoint.url()));
            }
        }
        if (change.payment().webhookUrl() != null) {
            deliveries.add(new WebhookRepository.NewDelivery(Ids.newId("whd"), null, change.payment().webhookUrl()));
        }
        List<WebhookRepository.Delivery> toDeliver = new ArrayList<>();
        for (WebhookRepository.NewDelivery d : deliveries) {
            toDeliver.add(new WebhookRepository.Delivery(d.id(), eventId, d.endpointId(), d.url(), "pending", 0, merchantId, payload));
        }
        // Stored just before the commit; if the payment already had this event, nothing is stored
        // and nothing is sent (its deliveries exist already).
        boolean[] stored = {false};
        if (!toDeliver.isEmpty()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    if (stored[0]) toDeliver.forEach(deliverer::deliverSoon);
                }
            });
        }
        webhooks.insertEventWithDeliveries(eventId, merchantId, change.payment().id(), type, payload, now, now.plus(safetyNet),
                deliveries, () -> stored[0] = true);
    }
}
