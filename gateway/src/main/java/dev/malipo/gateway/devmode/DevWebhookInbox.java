package dev.malipo.gateway.devmode;

import dev.malipo.gateway.webhooks.WebhookSignature;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dev mode's stand-in for a merchant's webhook endpoint: verifies the signature as a merchant
 * would and keeps the last 100 events for GET /dev/webhooks.
 */
@RestController
@ConditionalOnProperty(name = "malipo.dev.enabled", havingValue = "true")
class DevWebhookInbox {
    private final Deque<Map<String, Object>> inbox = new ArrayDeque<>();
    private final JsonMapper json;
    private final Clock clock;
    private volatile String secret;

    DevWebhookInbox(JsonMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    void secret(String secret) {
        this.secret = secret;
    }

    @PostMapping("/dev/webhook-inbox")
    ResponseEntity<Void> receive(@RequestHeader(name = WebhookSignature.HEADER, required = false) String signature,
                                 @RequestBody String body) {
        boolean valid = secret != null && WebhookSignature.verify(secret, signature, body, clock, WebhookSignature.DEFAULT_TOLERANCE);
        JsonNode event = json.readTree(body);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("received_at", Instant.now(clock).toString());
        entry.put("signature_valid", valid);
        entry.put("event", event);
        synchronized (inbox) {
            inbox.addFirst(entry);
            while (inbox.size() > 100) inbox.removeLast();
        }
        return valid ? ResponseEntity.ok().build() : ResponseEntity.badRequest().build();
    }

    @GetMapping("/dev/webhooks")
    List<Map<String, Object>> list() {
        synchronized (inbox) {
            return new ArrayList<>(inbox);
        }
    }
}
