package dev.malipo.gateway.merchants;

import dev.malipo.core.crypto.Hmac;
import dev.malipo.gateway.support.Ids;
import dev.malipo.gateway.support.SecretBox;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;

/** Merchants and their API keys. Keys are shown once, at creation; only their SHA-256 is stored. */
@Service
public class MerchantService {
    private final MerchantRepository repository;
    private final SecretBox secretBox;
    private final Clock clock;

    MerchantService(MerchantRepository repository, SecretBox secretBox, Clock clock) {
        this.repository = repository;
        this.secretBox = secretBox;
        this.clock = clock;
    }

    /** A new merchant with a test key and a live key (returned in clear this one time). */
    public record NewMerchant(String merchantId, String testKey, String liveKey, String webhookSecret) {
        @Override
        public String toString() {
            return "NewMerchant[" + merchantId + "]";
        }
    }

    @Transactional
    public NewMerchant create(String name) {
        String merchantId = Ids.newId("mer");
        String webhookSecret = Ids.secret("whsec");
        repository.insertMerchant(merchantId, name, secretBox.seal(webhookSecret), clock.instant());
        String testKey = issueKey(merchantId, Mode.TEST);
        String liveKey = issueKey(merchantId, Mode.LIVE);
        return new NewMerchant(merchantId, testKey, liveKey, webhookSecret);
    }

    @Transactional
    public String issueKey(String merchantId, Mode mode) {
        String key = Ids.secret(mode == Mode.TEST ? "sk_test" : "sk_live");
        repository.insertKey(Ids.newId("key"), merchantId, Hmac.sha256HexDigest(key), mode, key.substring(key.length() - 4),
                clock.instant());
        return key;
    }

    /**
     * Dev mode only: makes a known key (printed in the README) belong to the demo merchant, so the
     * curl walk-through works on every start. Never used with live keys.
     */
    @Transactional
    public String ensureDemoMerchant(String name, String testKey) {
        if (!testKey.startsWith("sk_test_")) {
            throw new IllegalArgumentException("The demo key must be a test key");
        }
        Optional<Caller> existing = authenticate(testKey);
        if (existing.isPresent()) {
            return existing.get().merchantId();
        }
        String merchantId = repository.findMerchantIdByName(name).orElseGet(() -> {
            String id = Ids.newId("mer");
            repository.insertMerchant(id, name, secretBox.seal(Ids.secret("whsec")), clock.instant());
            return id;
        });
        repository.insertKey(Ids.newId("key"), merchantId, Hmac.sha256HexDigest(testKey), Mode.TEST,
                testKey.substring(testKey.length() - 4), clock.instant());
        return merchantId;
    }

    /**
     * The caller a key belongs to. Valid keys are remembered for {@link #KEY_CACHE_TTL} (every API
     * call needs one, and a key's merchant and mode never change), so a key revoked in the
     * database stops working within that time on every instance. Unknown keys are not remembered.
     */
    public Optional<Caller> authenticate(String key) {
        if (key == null || !(key.startsWith("sk_test_") || key.startsWith("sk_live_"))) {
            return Optional.empty();
        }
        String hash = Hmac.sha256HexDigest(key);
        long nowNanos = System.nanoTime();
        CachedCaller cached = callers.get(hash);
        if (cached != null && nowNanos - cached.loadedAtNanos < KEY_CACHE_TTL.toNanos()) {
            return Optional.of(cached.caller);
        }
        Optional<Caller> found = repository.findActiveKey(hash);
        if (found.isPresent()) {
            callers.put(hash, new CachedCaller(found.get(), nowNanos));
        } else {
            callers.remove(hash);
        }
        return found;
    }

    static final Duration KEY_CACHE_TTL = Duration.ofSeconds(30);

    private record CachedCaller(Caller caller, long loadedAtNanos) {
    }

    /** By key hash; holds valid keys only, so it is as small as the set of keys in use. */
    private final Map<String, CachedCaller> callers = new ConcurrentHashMap<>();

    /** The secret that signs webhooks sent to a payment's own webhook_url (it never changes, so it is kept once opened). */
    public String webhookSecret(String merchantId) {
        return webhookSecrets.computeIfAbsent(merchantId, id -> repository.webhookSecretEnc(id).map(secretBox::open)
                .orElseThrow(() -> new IllegalStateException("No merchant " + id)));
    }

    private final Map<String, String> webhookSecrets = new ConcurrentHashMap<>();
}
