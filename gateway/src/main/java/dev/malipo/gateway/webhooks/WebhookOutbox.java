package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.jobs.Jobs;
import dev.malipo.gateway.payments.PaymentStatusChanged;
import dev.malipo.gateway.support.Ids;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records one event per status change and one delivery per interested receiver, in the
 * transaction of the change itself, and schedules each delivery as a durable job.
 */
@Component
class WebhookOutbox {
    private final WebhookRepository webhooks;
    private final Jobs jobs;
    private final JsonMapper json;
    private final Clock clock;

    WebhookOutbox(WebhookRepository webhooks, Jobs jobs, JsonMapper json, Clock clock) {
        this.webhooks = webhooks;
        this.jobs = jobs;
        this.json = json;
        this.clock = clock;
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
        if (!webhooks.insertEvent(eventId, merchantId, change.payment().id(), type, payload, now)) {
            return;
        }
        for (WebhookRepository.Endpoint endpoint : webhooks.endpoints(merchantId)) {
            if (endpoint.enabled() && endpoint.wants(type)) {
                schedule(eventId, endpoint.id(), endpoint.url(), now);
            }
        }
        if (change.payment().webhookUrl() != null) {
            schedule(eventId, null, change.payment().webhookUrl(), now);
        }
    }

    private void schedule(String eventId, String endpointId, String url, Instant now) {
        String deliveryId = Ids.newId("whd");
        webhooks.insertDelivery(deliveryId, eventId, endpointId, url, now);
        jobs.schedule(Jobs.DELIVER_WEBHOOK, deliveryId, now);
    }
}
