package dev.malipo.core.connector;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a connector needs to talk to one provider account. {@code settings} holds the provider's
 * credentials and options by name (e.g. "consumer-key", "passkey"); {@link #toString()} never
 * shows their values.
 *
 * @param accountId  Malipo's id for this provider account; token caches are keyed by it
 * @param tokenCache where access tokens are kept, shareable between gateway instances
 */
public record ConnectorConfig(String accountId, URI baseUrl, Map<String, String> settings, Duration connectTimeout,
                              Duration requestTimeout, Clock clock, TokenCache tokenCache) {

    public ConnectorConfig {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(baseUrl, "baseUrl");
        settings = Map.copyOf(settings == null ? Map.of() : settings);
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        clock = clock == null ? Clock.systemUTC() : clock;
        tokenCache = tokenCache == null ? new InMemoryTokenCache() : tokenCache;
    }

    public String require(String key) {
        String value = settings.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("Connector account " + accountId + " lacks setting '" + key + "'");
        }
        return value;
    }

    public String get(String key, String defaultValue) {
        String value = settings.get(key);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    @Override
    public String toString() {
        return "ConnectorConfig[accountId=" + accountId + ", baseUrl=" + baseUrl + ", settings="
                + new TreeMap<>(settings).keySet() + " (values hidden)]";
    }
}
