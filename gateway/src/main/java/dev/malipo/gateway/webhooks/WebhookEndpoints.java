package dev.malipo.gateway.webhooks;

import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.SecretBox;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.List;

/** The webhooks module's public face for other modules (dev-mode bootstrap). */
@Service
public class WebhookEndpoints {
    /** An endpoint and its signing secret. */
    public record EndpointSecret(String id, String url, String secret) {
        @Override
        public String toString() {
            return "EndpointSecret[" + id + " " + url + "]";
        }
    }

    private final WebhookRepository webhooks;
    private final MerchantEndpoints endpoints;
    private final SecretBox secretBox;
    private final Clock clock;

    WebhookEndpoints(WebhookRepository webhooks, MerchantEndpoints endpoints, SecretBox secretBox, Clock clock) {
        this.webhooks = webhooks;
        this.endpoints = endpoints;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** Returns the merchant's endpoint for {@code url}, creating it (all events) if there is none. */
    public EndpointSecret ensure(String merchantId, String url) {
        for (WebhookRepository.Endpoint e : webhooks.endpoints(merchantId)) {
            if (e.url().equals(url)) {
                return new EndpointSecret(e.id(), e.url(), secretBox.open(e.secretEnc()));
            }
        }
        String secret = Ids.secret("whsec");
        WebhookRepository.Endpoint e = new WebhookRepository.Endpoint(Ids.newId("we"), merchantId, url, List.of("*"),
                secretBox.seal(secret), true, clock.instant());
        endpoints.add(e);
        return new EndpointSecret(e.id(), url, secret);
    }
}
