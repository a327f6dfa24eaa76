package dev.malipo.core.connector;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryTokenCacheTest {

    @Test
    void concurrentCallersFetchOnce() throws Exception {
        InMemoryTokenCache cache = new InMemoryTokenCache();
        AtomicInteger fetches = new AtomicInteger();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<TokenCache.Token>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.getOrFetch("acct", now, () -> {
                        fetches.incrementAndGet();
                        return new TokenCache.Token("t" + fetches.get(), now.plusSeconds(3599));
                    });
                }));
            }
            start.countDown();
            for (Future<TokenCache.Token> f : results) {
                assertThat(f.get().value()).isEqualTo("t1");
            }
        }
        assertThat(fetches).hasValue(1);
    }

    @Test
    void refetchesWhenTheTokenNearsExpiry() {
        InMemoryTokenCache cache = new InMemoryTokenCache();
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        cache.getOrFetch("acct", now, () -> new TokenCache.Token("old", now.plusSeconds(30)));
        // Callers ask for a token valid at least a minute from now: 30 s left is not enough.
        TokenCache.Token t = cache.getOrFetch("acct", now.plusSeconds(60), () -> new TokenCache.Token("new", now.plusSeconds(3599)));
        assertThat(t.value()).isEqualTo("new");
        assertThat(t.toString()).doesNotContain("new");
    }
}
