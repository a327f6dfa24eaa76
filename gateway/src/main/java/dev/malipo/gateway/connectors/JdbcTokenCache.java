package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.TokenCache;
import dev.malipo.gateway.support.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
 *
 * <p>Within an instance one caller per key goes to the database (and the provider); the others
 * wait for its result in memory. Waiting on the row lock instead held a pooled connection each:
 * every initiation arriving during a fetch — at a start under load, or when the token ran out —
 * took one, and a slow token answer drained the pool for callbacks and everything else. And a
 * token within {@link #REFRESH_AHEAD} of the callers' margin is replaced in the background while
 * they go on using it, so in steady state no request waits for a token at all.
 */
@Component
class JdbcTokenCache implements TokenCache {
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final SecretBox secretBox;
    /** How long before callers would need a new token the background refresh starts. */
    static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
    /** After a background refresh failed, the next waits until callers' margin has moved this far. */
    static final Duration AHEAD_RETRY = Duration.ofSeconds(10);
    private static final Logger log = LoggerFactory.getLogger(JdbcTokenCache.class);

    private final Map<String, Token> local = new ConcurrentHashMap<>();
    /** The one fetch per key this instance has running; other callers join it. */
    private final Map<String, CompletableFuture<Token>> inflight = new ConcurrentHashMap<>();
    /** Per key, the margin a background refresh last failed for (so it is not retried on every call). */
    private final Map<String, Instant> aheadFailedFor = new ConcurrentHashMap<>();
    /**
     * Keys whose provider issues tokens too short-lived to refresh ahead: a background fetch brought
     * one no later than the window's end, so each new token would start the next fetch at once.
     * Those are fetched in line when they run out, as before.
     */
    private final Set<String> tooShortToRefreshAhead = ConcurrentHashMap.newKeySet();

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
            Instant refreshFrom = validUntilAtLeast.plus(REFRESH_AHEAD);
            if (!known.expiresAt().isAfter(refreshFrom)) refreshInBackground(key, known, refreshFrom, fetch);
            return known;
        }
        CompletableFuture<Token> mine = new CompletableFuture<>();
        CompletableFuture<Token> running = inflight.putIfAbsent(key, mine);
        if (running != null) {
            Token theirs = await(running);
            if (theirs.expiresAt().isAfter(validUntilAtLeast)) return theirs;
            // That fetch served a shorter margin than ours (a clock step between callers): our own.
            return store(key, sharedOrFetch(key, validUntilAtLeast, fetch));
        }
        return lead(key, mine, () -> sharedOrFetch(key, validUntilAtLeast, fetch));
    }

    /** Runs this instance's one fetch for {@code key}, handing its result (or failure) to those who joined. */
    private Token lead(String key, CompletableFuture<Token> mine, Supplier<Token> fetchShared) {
        try {
            Token token = store(key, fetchShared.get());
            mine.complete(token);
            return token;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(key, mine);
        }
    }

    private Token store(String key, Token token) {
        local.put(key, token);
        return token;
    }

    /** The joined fetch's token, or the very exception it failed with (the connector knows its types). */
    private static Token await(CompletableFuture<Token> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** Whether a refresh ahead is not to be tried now: the key's tokens are too short-lived, or one failed lately. */
    private boolean heldBack(String key, Instant refreshFrom) {
        if (tooShortToRefreshAhead.contains(key)) return true;
        Instant failedFor = aheadFailedFor.get(key);
        return failedFor != null && refreshFrom.isBefore(failedFor.plus(AHEAD_RETRY));
    }

    /**
     * Fetches a token valid beyond {@code refreshFrom} on a virtual thread, unless a fetch for the key
     * is running already or one failed for a margin less than {@link #AHEAD_RETRY} ago: callers keep
     * the token they have meanwhile, and take up the new one once it is stored.
     */
    private void refreshInBackground(String key, Token current, Instant refreshFrom, Supplier<Token> fetch) {
        if (heldBack(key, refreshFrom)) return;
        CompletableFuture<Token> mine = new CompletableFuture<>();
        if (inflight.putIfAbsent(key, mine) != null) return;
        // Again, now that the claim is ours: a refresh may have failed, or brought a token too
        // short-lived, and let go of its claim between the first look and the claim.
        if (heldBack(key, refreshFrom)) {
            mine.complete(current); // whoever joined meanwhile takes it, or fetches their own if it is too old
            inflight.remove(key, mine);
            return;
        }
        Thread.ofVirtual().name("token-refresh").start(() -> {
            try {
                lead(key, mine, () -> {
                    // Noted before the fetch stops being in flight: a caller coming in between must not start another.
                    try {
                        Token fresh = sharedOrFetch(key, refreshFrom, fetch);
                        aheadFailedFor.remove(key);
                        if (!fresh.expiresAt().isAfter(refreshFrom)) tooShortToRefreshAhead.add(key);
                        return fresh;
                    } catch (RuntimeException | Error e) {
                        aheadFailedFor.put(key, refreshFrom);
                        throw e;
                    }
                });
            } catch (RuntimeException | Error e) {
                // The token in use stays valid for a while yet; callers fetch in line if it runs out.
                // Not the key: it holds the provider's consumer key.
                log.warn("refreshing a provider access token ahead of its expiry failed ({}); retrying in {} s",
                        e.toString(), AHEAD_RETRY.toSeconds());
            }
        });
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
