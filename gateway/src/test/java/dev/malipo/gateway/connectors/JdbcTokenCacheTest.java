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
}
