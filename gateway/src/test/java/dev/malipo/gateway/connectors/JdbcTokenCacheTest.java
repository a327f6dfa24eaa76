package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.TokenCache;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** One token per credential set across concurrent callers (as across instances), sealed at rest. */
class JdbcTokenCacheTest extends PostgresTestBase {
    @Autowired
    JdbcTokenCache cache;
    @Autowired
    JdbcClient jdbc;

    @Test
    void concurrentCallersFetchOneTokenAndItIsNotStoredInClear() throws Exception {
        AtomicInteger fetches = new AtomicInteger();
        Instant now = Instant.now();
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TokenCache.Token>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
            for (int i = 0; i < 24; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.getOrFetch("acct-1:key", now.plusSeconds(60), () -> {
                        fetches.incrementAndGet();
                        return new TokenCache.Token("token-" + fetches.get() + "-secret", now.plusSeconds(3599));
                    });
                }));
            }
            go.countDown();
            for (Future<TokenCache.Token> f : results) {
                assertThat(f.get().value()).isEqualTo("token-1-secret");
            }
        }
        assertThat(fetches).hasValue(1);
        String stored = jdbc.sql("select token_enc from provider_tokens where cache_key = 'acct-1:key'").query(String.class).single();
        assertThat(stored).startsWith("v1:").doesNotContain("secret");
    }

    @Test
    void anExpiringTokenIsReplacedAndAnInvalidatedOneRefetched() {
        Instant now = Instant.now();
        cache.getOrFetch("acct-2:key", now, () -> new TokenCache.Token("old", now.plusSeconds(30)));
        TokenCache.Token fresh = cache.getOrFetch("acct-2:key", now.plusSeconds(60), () -> new TokenCache.Token("new", now.plusSeconds(3599)));
        assertThat(fresh.value()).isEqualTo("new");
        cache.invalidate("acct-2:key", fresh);
        assertThat(cache.get("acct-2:key")).isEmpty();
        assertThat(cache.getOrFetch("acct-2:key", now, () -> new TokenCache.Token("newer", now.plusSeconds(3599))).value())
                .isEqualTo("newer");
    }

    @Autowired
    dev.malipo.gateway.support.SecretBox secretBox;

    @Test
    void aTokenReplacedByAnotherInstanceIsTakenUpOnceTheProviderRefusesOurs() {
        Instant now = Instant.now();
        TokenCache.Token ours = cache.getOrFetch("acct-3:key", now, () -> new TokenCache.Token("ours", now.plusSeconds(3599)));
        // Another instance refreshed the shared token; the provider revoked ours.
        jdbc.sql("update provider_tokens set token_enc = ?, expires_at = ? where cache_key = 'acct-3:key'")
                .params(secretBox.seal("theirs"), java.sql.Timestamp.from(now.plusSeconds(3599))).update();
        AtomicInteger fetches = new AtomicInteger();
        // Until the provider says so, the instance keeps the token it knows (no read per call).
        assertThat(cache.getOrFetch("acct-3:key", now, () -> new TokenCache.Token("x" + fetches.incrementAndGet(), now.plusSeconds(3599)))
                .value()).isEqualTo("ours");
        cache.invalidate("acct-3:key", ours);
        assertThat(cache.getOrFetch("acct-3:key", now, () -> new TokenCache.Token("x" + fetches.incrementAndGet(), now.plusSeconds(3599)))
                .value()).isEqualTo("theirs");
        assertThat(fetches).hasValue(0);
    }
}
