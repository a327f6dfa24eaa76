package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.api.JsonBody;
import dev.malipo.gateway.merchants.Caller;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.SecretBox;
import dev.malipo.gateway.support.WebhookTargets;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

@RestController
class WebhookEndpointsController {
    static final Set<String> EVENT_TYPES = Set.of("*", "payment.succeeded", "payment.failed", "payment.expired",
            "payment.unknown", "payout.succeeded", "payout.failed", "payout.expired", "payout.unknown");

    private final WebhookRepository webhooks;
    private final MerchantEndpoints endpoints;
    private final SecretBox secretBox;
    private final JsonMapper json;
    private final Clock clock;
    private final WebhookTargets targets;

    WebhookEndpointsController(WebhookRepository webhooks, MerchantEndpoints endpoints, SecretBox secretBox, JsonMapper json,
                               Clock clock, WebhookTargets targets) {
        this.webhooks = webhooks;
        this.endpoints = endpoints;
        this.secretBox = secretBox;
        this.json = json;
        this.clock = clock;
        this.targets = targets;
    }

    /** The signing secret is shown in this answer only. */
    @PostMapping("/v1/webhook_endpoints")
    ResponseEntity<Map<String, Object>> create(Caller caller, @RequestBody(required = false) byte[] body) {
        JsonBody b = JsonBody.parse(json, body, Set.of("url", "events"));
        String url = b.webhookUrl("url", true, targets).toString();
        List<String> events = b.stringList("events", false);
        if (events.isEmpty()) events = List.of("*");
        for (String e : events) {
            if (!EVENT_TYPES.contains(e)) {
                throw new ApiException.InvalidRequest("invalid_event_type", "events", "Unknown event type '" + e
                        + "'; use one of " + EVENT_TYPES);
            }
        }
        String secret = Ids.secret("whsec");
        WebhookRepository.Endpoint endpoint = new WebhookRepository.Endpoint(Ids.newId("we"), caller.merchantId(), url,
                events, secretBox.seal(secret), true, clock.instant());
        endpoints.add(endpoint);
        Map<String, Object> view = view(endpoint);
        view.put("secret", secret);
        return ResponseEntity.status(HttpStatus.CREATED).body(view);
    }

    @GetMapping("/v1/webhook_endpoints")
    Map<String, Object> list(Caller caller) {
        return Map.of("object", "list", "data", webhooks.endpoints(caller.merchantId()).stream().map(this::view).toList(),
                "has_more", false);
    }

    private Map<String, Object> view(WebhookRepository.Endpoint e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", e.id());
        v.put("object", "webhook_endpoint");
        v.put("url", e.url());
        v.put("events", e.events());
        v.put("enabled", e.enabled());
        v.put("created_at", e.createdAt());
        return v;
    }
}
