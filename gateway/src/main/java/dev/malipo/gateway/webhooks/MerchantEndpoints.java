package dev.malipo.gateway.webhooks;

import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each merchant's endpoints as events read them: every status change asks, so the list is kept for
 * {@link #FRESH_FOR}. An endpoint added through this instance counts at once; one added through
 * another instance on the same database, within that second. Endpoints are only ever added.
 */
@Component
class MerchantEndpoints {
    static final Duration FRESH_FOR = Duration.ofSeconds(1);

    private record Loaded(List<WebhookRepository.Endpoint> endpoints, long atNanos) {
    }

    private final WebhookRepository webhooks;
    private final Map<String, Loaded> byMerchant = new ConcurrentHashMap<>();

    MerchantEndpoints(WebhookRepository webhooks) {
        this.webhooks = webhooks;
    }

    List<WebhookRepository.Endpoint> of(String merchantId) {
        long now = System.nanoTime();
        Loaded loaded = byMerchant.get(merchantId);
        if (loaded != null && now - loaded.atNanos() < FRESH_FOR.toNanos()) {
            return loaded.endpoints();
        }
        List<WebhookRepository.Endpoint> endpoints = List.copyOf(webhooks.endpoints(merchantId));
        byMerchant.put(merchantId, new Loaded(endpoints, now));
        return endpoints;
    }

    void add(WebhookRepository.Endpoint endpoint) {
        webhooks.insertEndpoint(endpoint);
        byMerchant.remove(endpoint.merchantId());
    }
}
