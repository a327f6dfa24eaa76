package dev.malipo.core.connector;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Access tokens by credential set. Providers may invalidate a token when a new one is requested,
 * so every caller (and every gateway instance, with a shared implementation) must use one token
 * per credential set and fetch a new one only once when it nears expiry.
 */
public interface TokenCache {

    record Token(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    Optional<Token> get(String key);

    /**
     * Returns a token for {@code key} valid beyond {@code validUntilAtLeast}; calls {@code fetch} at most
     * once across concurrent callers when none is.
     */
    Token getOrFetch(String key, Instant validUntilAtLeast, Supplier<Token> fetch);

    void invalidate(String key, Token stale);
}
