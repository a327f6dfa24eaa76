package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.ConnectorFactory;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.gateway.api.ApiException;
import dev.malipo.gateway.merchants.Mode;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.SecretBox;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's way to a provider: finds the connector factories on the class path (a new provider
 * is a new module, not an edit here), keeps one connector per provider account, and routes a
 * merchant's payment to the account that serves its country.
 */
@Service
public class Connectors {
    private final Map<String, ConnectorFactory> factories = new TreeMap<>();
    private final Map<String, PaymentConnector> byAccount = new ConcurrentHashMap<>();
    private final Map<String, ProviderAccount> routes = new ConcurrentHashMap<>();
    private final Map<String, ProviderAccount> byId = new ConcurrentHashMap<>();
    private final ProviderAccountRepository accounts;
    private final JdbcTokenCache tokenCache;
    private final SecretBox secretBox;
    private final JsonMapper json;
    private final MalipoProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    Connectors(ProviderAccountRepository accounts, JdbcTokenCache tokenCache, SecretBox secretBox, JsonMapper json,
               MalipoProperties properties, Clock clock, MeterRegistry meters) {
        this.meters = meters;
        this.accounts = accounts;
        this.tokenCache = tokenCache;
        this.secretBox = secretBox;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        for (ConnectorFactory f : ServiceLoader.load(ConnectorFactory.class)) {
            factories.put(f.provider(), f);
        }
    }

    public Set<String> providers() {
        return factories.keySet();
    }

    /**
     * The account that serves this merchant's payments in {@code country} for the key's mode: the
     * one the merchant named (a merchant may hold several short codes or tills), else the first.
     */
    public ProviderAccount route(String merchantId, String country, Mode mode, String requestedAccountId) {
        if (requestedAccountId != null) {
            return account(requestedAccountId)
                    .filter(a -> a.merchantId().equals(merchantId) && a.mode() == mode && a.country().equals(country))
                    .orElseThrow(() -> new ApiException.InvalidRequest("invalid_provider_account", "provider_account",
                            "No " + mode.dbName() + " provider account " + requestedAccountId + " serves " + country + " numbers"));
        }
        String provider = properties.routing().providers().get(country);
        if (provider == null || !factories.containsKey(provider)) {
            throw new ApiException.InvalidRequest("country_not_supported", "phone",
                    "Malipo has no provider for " + country + " numbers yet");
        }
        // Accounts are never changed or removed, so once a route has a first account it keeps it:
        // remember it. An empty route is not remembered (the merchant may be adding one now).
        String routeKey = merchantId + '|' + provider + '|' + country + '|' + mode.dbName();
        ProviderAccount first = routes.get(routeKey);
        if (first != null) return first;
        List<ProviderAccount> candidates = accounts.findRoute(merchantId, provider, country, mode);
        if (candidates.isEmpty()) {
            throw new ApiException.InvalidRequest("no_provider_account", "phone", "No " + mode.dbName() + " " + provider
                    + " account is configured for " + country + "; add one with POST /v1/provider_accounts");
        }
        routes.putIfAbsent(routeKey, candidates.getFirst());
        return candidates.getFirst();
    }

    /** An account by id (immutable once stored, so remembered), or empty. */
    private Optional<ProviderAccount> account(String id) {
        ProviderAccount known = byId.get(id);
        if (known != null) return Optional.of(known);
        Optional<ProviderAccount> found = accounts.find(id);
        found.ifPresent(a -> byId.putIfAbsent(id, a));
        return found;
    }

    public PaymentConnector connector(String accountId) {
        return byAccount.computeIfAbsent(accountId, id -> {
            ProviderAccount account = account(id).orElseThrow(() -> new IllegalStateException("No provider account " + id));
            Map<String, String> settings = json.readValue(secretBox.open(accounts.settingsEnc(id)), new TypeReference<>() {
            });
            ConnectorConfig config = new ConnectorConfig(id, account.baseUrl(), settings,
                    properties.connectors().connectTimeout(), properties.connectors().requestTimeout(), clock, tokenCache);
            return new MeteredConnector(factories.get(account.provider()).create(config), meters);
        });
    }

    @Transactional
    public ProviderAccount addAccount(String merchantId, String provider, String country, Mode mode, URI baseUrl,
                                      Map<String, String> settings) {
        ConnectorFactory factory = factories.get(provider);
        if (factory == null) {
            throw new ApiException.InvalidRequest("unknown_provider", "provider", "Unknown provider '" + provider
                    + "'; known: " + factories.keySet());
        }
        String host = baseUrl.getHost() == null ? "" : baseUrl.getHost().toLowerCase(java.util.Locale.ROOT);
        if (mode == Mode.TEST && factory.liveHosts().contains(host)) {
            throw new ApiException.InvalidRequest("live_url_with_test_key", "base_url",
                    "A test key cannot add an account on " + host + ", where real money moves; use a live key");
        }
        if (mode == Mode.LIVE && !"https".equalsIgnoreCase(baseUrl.getScheme())) {
            throw new ApiException.InvalidRequest("insecure_url", "base_url", "Live provider accounts must use https");
        }
        ProviderAccount account = new ProviderAccount(Ids.newId("pa"), merchantId, provider, country, mode, baseUrl);
        // Building a connector checks the settings now rather than at the first payment.
        try {
            factory.create(new ConnectorConfig(account.id(), baseUrl, settings, null, null, clock, null));
        } catch (IllegalArgumentException e) {
            throw new ApiException.InvalidRequest("invalid_settings", "settings", e.getMessage());
        }
        accounts.insert(account, secretBox.seal(json.writeValueAsString(settings)), clock.instant());
        return account;
    }

    public List<ProviderAccount> accounts(String merchantId, Mode mode) {
        return accounts.findByMerchant(merchantId, mode);
    }
}
