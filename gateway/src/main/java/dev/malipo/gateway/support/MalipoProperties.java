package dev.malipo.gateway.support;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every Malipo setting, bound from {@code malipo.*} properties or MALIPO_* environment variables.
 *
 * @param publicBaseUrl the URL providers use to reach this gateway (callback URLs are built on it)
 */
@ConfigurationProperties("malipo")
public record MalipoProperties(URI publicBaseUrl, Security security, Callbacks callbacks, Webhooks webhooks,
                               Reconciliation reconciliation, Jobs jobs, Routing routing, Connectors connectors, Api api) {

    public MalipoProperties {
        security = security == null ? new Security(null, null) : security;
        callbacks = callbacks == null ? new Callbacks(null, 0, false) : callbacks;
        webhooks = webhooks == null ? new Webhooks(null, null, 0, null) : webhooks;
        reconciliation = reconciliation == null ? new Reconciliation(null, null, null) : reconciliation;
        jobs = jobs == null ? new Jobs(null, 0, null) : jobs;
        routing = routing == null ? new Routing(null) : routing;
        connectors = connectors == null ? new Connectors(null, null) : connectors;
        api = api == null ? new Api(0, null, 0, null) : api;
    }

    /** @param encryptionKey Base64 of 32 bytes; seals provider credentials and webhook secrets at rest */
    public record Security(String encryptionKey, String adminToken) {
    }

    /**
     * @param allowedCidrs source addresses allowed to post provider callbacks; empty allows all
     * @param maxBodyBytes callbacks larger than this are refused (413)
     */
    public record Callbacks(List<String> allowedCidrs, int maxBodyBytes, boolean trustForwardedFor) {
        public Callbacks {
            allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
            maxBodyBytes = maxBodyBytes <= 0 ? 1_048_576 : maxBodyBytes;
        }
    }

    /**
     * Merchant webhook delivery: per-attempt timeout, first retry delay (doubling), attempts in all.
     *
     * @param blockedCidrs addresses webhooks are never sent to ({@link WebhookTargets}); empty sends anywhere
     */
    public record Webhooks(Duration timeout, Duration firstRetryDelay, int maxAttempts, List<String> blockedCidrs) {
        /** Loopback, "this host" and link-local (where clouds serve instance metadata), IPv4 and IPv6. */
        public static final List<String> DEFAULT_BLOCKED_CIDRS = List.of("127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128",
                "169.254.0.0/16", "fe80::/10");

        public Webhooks {
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            firstRetryDelay = firstRetryDelay == null ? Duration.ofSeconds(30) : firstRetryDelay;
            maxAttempts = maxAttempts <= 0 ? 12 : maxAttempts;
            blockedCidrs = blockedCidrs == null ? DEFAULT_BLOCKED_CIDRS : List.copyOf(blockedCidrs);
        }
    }

    /**
     * @param firstCheckAfter  a payment still pending this long after creation is checked with the provider
     * @param expireAfter      a collection still pending (per the provider) this long after creation expires
     * @param maxCheckInterval checks back off (×4 each time) up to this interval
     */
    public record Reconciliation(Duration firstCheckAfter, Duration expireAfter, Duration maxCheckInterval) {
        public Reconciliation {
            firstCheckAfter = firstCheckAfter == null ? Duration.ofSeconds(90) : firstCheckAfter;
            expireAfter = expireAfter == null ? Duration.ofMinutes(10) : expireAfter;
            maxCheckInterval = maxCheckInterval == null ? Duration.ofHours(24) : maxCheckInterval;
        }
    }

    /**
     * @param sweepInterval how often the due-time sweeps run (first status checks, webhook safety
     *                      nets): each is late by at most this much
     */
    public record Jobs(Duration pollingInterval, int threads, Duration sweepInterval) {
        public Jobs {
            pollingInterval = pollingInterval == null ? Duration.ofSeconds(1) : pollingInterval;
            sweepInterval = sweepInterval == null ? Duration.ofSeconds(5) : sweepInterval;
            threads = threads <= 0 ? 10 : threads;
        }
    }

    /** @param providers which provider serves each country, e.g. KE → mpesa */
    public record Routing(Map<String, String> providers) {
        public Routing {
            providers = providers == null || providers.isEmpty() ? Map.of("KE", "mpesa") : Map.copyOf(providers);
        }
    }

    public record Connectors(Duration connectTimeout, Duration requestTimeout) {
        public Connectors {
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(3) : connectTimeout;
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        }
    }

    /**
     * @param maxConcurrentCreates    payments and payouts being created at once; past it, 503 overloaded
     * @param idempotencyKeyRetention an Idempotency-Key is remembered this long after its first use;
     *                                after that the same key is a new request
     * @param maxConcurrentWork       requests doing work at once (on the CPU or the database, not
     *                                waiting on a provider): see {@link WorkGate}
     * @param maxWorkWait             how long a new request waits for its turn before 503 overloaded
     */
    public record Api(int maxConcurrentCreates, Duration idempotencyKeyRetention, int maxConcurrentWork,
                      Duration maxWorkWait) {
        public Api {
            maxConcurrentCreates = maxConcurrentCreates <= 0 ? 512 : maxConcurrentCreates;
            idempotencyKeyRetention = idempotencyKeyRetention == null ? Duration.ofHours(24) : idempotencyKeyRetention;
            maxConcurrentWork = maxConcurrentWork <= 0 ? 32 : maxConcurrentWork;
            maxWorkWait = maxWorkWait == null ? Duration.ofSeconds(1) : maxWorkWait;
        }
    }
}
