package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.TokenCache;
import dev.malipo.gateway.support.SecretBox;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Provider access tokens shared by every gateway instance on the database. Some providers (Daraja,
 * reportedly) invalidate the previous token when a new one is issued, so instances must not each
 * fetch their own: the fetch happens under a row lock, once, and the others read its result.
 * Tokens are sealed at rest.
 *
 * <p>Each instance keeps the token it last saw in memory, so a provider call costs no database
 * read and no decryption. If another instance replaced the token (and the provider revoked ours),
 * the provider refuses it, the connector {@link #invalidate}s it, and the next call reads the
 * shared row again.
 */
@Component
class JdbcTokenCache implements TokenCache {
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SecretBox secretBox;
    private final Map<String, Token> local = new ConcurrentHashMap<>();

    JdbcTokenCache(JdbcClient jdbc, TransactionTemplate tx, SecretBox secretBox) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.secretBox = secretBox;
    }

    @Override
    public Optional<Token> get(String key) {
        return stored(key);
    }

    private Optional<Token> stored(String key) {
        return jdbc.sql("select token_enc, expires_at from provider_tokens where cache_key = ?").param(key)
                .query((rs, n) -> rs.getString(1) == null ? null
                        : new Token(secretBox.open(rs.getString(1)), rs.getTimestamp(2).toInstant()))
                .optional();
    }

    @Override
    public Token getOrFetch(String key, Instant validUntilAtLeast, Supplier<Token> fetch) {
        Token known = local.get(key);
        if (known != null && known.expiresAt().isAfter(validUntilAtLeast)) {
            return known;
        }
        Token token = sharedOrFetch(key, validUntilAtLeast, fetch);
        local.put(key, token);
        return token;
    }

    private Token sharedOrFetch(String key, Instant validUntilAtLeast, Supplier<Token> fetch) {
        Optional<Token> current = stored(key);
        if (current.isPresent() && current.get().expiresAt().isAfter(validUntilAtLeast)) {
            return current.get();
        }
        // The row must exist before it can be locked; inserting it outside the locking transaction
        // keeps a lost insert race from aborting that transaction (PostgreSQL aborts on any error).
        try {
            jdbc.sql("insert into provider_tokens (cache_key) select ? where not exists (select 1 from provider_tokens where cache_key = ?)")
                    .params(key, key).update();
        } catch (org.springframework.dao.DuplicateKeyException ignored) {
            // another caller inserted it first
        }
        return tx.execute(status -> {
            // Concurrent fetchers queue on this row lock; the first one fetches, the others read its token.
            jdbc.sql("select cache_key from provider_tokens where cache_key = ? for update").param(key).query(String.class).single();
            Optional<Token> locked = stored(key);
            if (locked.isPresent() && locked.get().expiresAt().isAfter(validUntilAtLeast)) {
                return locked.get();
            }
            Token fresh = fetch.get();
            jdbc.sql("update provider_tokens set token_enc = ?, expires_at = ? where cache_key = ?")
                    .params(secretBox.seal(fresh.value()), Timestamp.from(fresh.expiresAt()), key).update();
            return fresh;
        });
    }

    @Override
    public void invalidate(String key, Token stale) {
        local.remove(key, stale);
        stored(key).filter(t -> t.value().equals(stale.value())).ifPresent(t ->
                jdbc.sql("update provider_tokens set token_enc = null, expires_at = null where cache_key = ?").param(key).update());
    }
}
