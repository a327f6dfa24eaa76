package dev.malipo.sandbox.daraja;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Daraja's OAuth: Basic-auth client credentials in, bearer tokens with a real expiry out. Earlier
 * tokens stay valid until they expire: several gateway instances (or clients that fetch a token
 * per call) hold different tokens at once.
 */
final class DarajaAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, String> apps;
    private final Duration lifetime;
    private final Clock clock;
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

    DarajaAuth(Map<String, String> apps, Duration lifetime, Clock clock) {
        this.apps = apps;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** @return the new token; previous tokens stay valid until they expire */
    String issue(String grantType, String authorization) {
        if (!"client_credentials".equals(grantType)) {
            throw new DarajaError("400.008.02", "Invalid grant type passed");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new DarajaError("400.008.01", "Invalid Authentication passed");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new DarajaError("400.008.01", "Invalid Authentication passed");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0 || !decoded.substring(colon + 1).equals(apps.get(decoded.substring(0, colon)))) {
            throw new DarajaError("400.008.01", "Invalid Authentication passed");
        }
        byte[] raw = new byte[20];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        tokens.values().removeIf(expiry -> !now.isBefore(expiry)); // keeps a long-running sandbox small
        tokens.put(token, now.plus(lifetime));
        return token;
    }

    long lifetimeSeconds() {
        return lifetime.toSeconds();
    }

    void check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new DarajaError("404.001.03", "Invalid Access Token");
        }
        Instant expiry = tokens.get(authorization.substring(7).trim());
        if (expiry == null || !clock.instant().isBefore(expiry)) {
            throw new DarajaError("404.001.03", "Invalid Access Token");
        }
    }
}
