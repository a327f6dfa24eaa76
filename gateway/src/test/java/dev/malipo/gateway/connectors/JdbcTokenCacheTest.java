package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.TokenCache;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One token per credential set across concurrent callers (as across instances), sealed at rest;
 * callers waiting for a fetch hold no database connection; a token near its end is replaced
 * while callers go on using it.
 */
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

    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void callersWaitingForAFetchHoldNoDatabaseConnection() throws Exception {
        HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
        Instant now = Instant.now();
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<TokenCache.Token> slowFetch = () -> {
            fetches.incrementAndGet();
            fetching.countDown();
            await(release);
            return new TokenCache.Token("slow", now.plusSeconds(3599));
        };
        int callers = 16;
        List<Thread> threads = new ArrayList<>();
        List<CompletableFuture<TokenCache.Token>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            CompletableFuture<TokenCache.Token> result = new CompletableFuture<>();
            results.add(result);
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    result.complete(cache.getOrFetch("acct-4:key", now.plusSeconds(60), slowFetch));
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }));
        }
        assertThat(fetching.await(10, TimeUnit.SECONDS)).isTrue();
        // Until every other caller waits (parked here; on the row lock they would sit in a socket
        // read, holding a connection each), or they have taken connections, or 5 s.
        within(Duration.ofSeconds(5), () -> pool.getActiveConnections() >= callers
                || threads.stream().filter(t -> t.getState() == Thread.State.WAITING).count() >= callers - 1);
        // The fetching caller's connection, and room for a background job's. The shared context's
        // jobs (and other test classes' deliveries) take connections for moments, and once two did at
        // the instant of a single read (CI, round 27); a waiter's connection would be held until the
        // fetch ends. So the count must fall to the bound at some read within 2 s, not at one.
        assertThat(within(Duration.ofSeconds(2), () -> pool.getActiveConnections() <= 2))
                .as(() -> "active connections, at most the fetcher's and one background job's: now "
                        + pool.getActiveConnections())
                .isTrue();
        release.countDown();
        for (CompletableFuture<TokenCache.Token> r : results) assertThat(r.get(10, TimeUnit.SECONDS).value()).isEqualTo("slow");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void aFailedFetchFailsItsWaitersAlikeAndTheNextCallFetchesAgain() throws Exception {
        Instant now = Instant.now();
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Supplier<TokenCache.Token> failing = () -> {
            fetches.incrementAndGet();
            fetching.countDown();
            await(release);
            throw new IllegalStateException("provider down");
        };
        CompletableFuture<TokenCache.Token> leader = CompletableFuture.supplyAsync(() -> cache.getOrFetch("acct-5:key", now, failing));
        assertThat(fetching.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<TokenCache.Token> waiter = CompletableFuture.supplyAsync(() -> cache.getOrFetch("acct-5:key", now, failing));
        release.countDown();
        for (CompletableFuture<TokenCache.Token> f : List.of(leader, waiter)) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class).hasMessage("provider down");
        }
        // The waiter may have joined the failed fetch or, coming late, made its own: never more.
        assertThat(fetches.get()).isBetween(1, 2);
        int before = fetches.get();
        assertThat(cache.getOrFetch("acct-5:key", now, () -> {
            fetches.incrementAndGet();
            return new TokenCache.Token("back", now.plusSeconds(3599));
        }).value()).isEqualTo("back");
        assertThat(fetches).hasValue(before + 1);
    }

    @Test
    void aTokenNearItsEndIsReplacedInTheBackgroundWhileCallersGoOnUsingIt() throws Exception {
        Instant now = Instant.now();
        cache.getOrFetch("acct-6:key", now, () -> new TokenCache.Token("old", now.plusSeconds(200)));
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Supplier<TokenCache.Token> slowFetch = () -> {
            fetches.incrementAndGet();
            await(release);
            return new TokenCache.Token("new", now.plusSeconds(3599));
        };
        // 200 s left: valid beyond the callers' 60 s margin, but inside the refresh-ahead window.
        for (int i = 0; i < 20; i++) {
            assertThat(CompletableFuture.supplyAsync(() -> cache.getOrFetch("acct-6:key", now.plusSeconds(60), slowFetch))
                    .get(5, TimeUnit.SECONDS).value()).isEqualTo("old");
        }
        release.countDown();
        within(Duration.ofSeconds(10), () -> !cache.getOrFetch("acct-6:key", now.plusSeconds(60), slowFetch).value().equals("old"));
        assertThat(cache.getOrFetch("acct-6:key", now.plusSeconds(60), slowFetch).value()).isEqualTo("new");
        assertThat(fetches).hasValue(1);
        // Shared with the other instances, sealed like any other.
        assertThat(cache.get("acct-6:key")).hasValueSatisfying(t -> assertThat(t.value()).isEqualTo("new"));
    }

    @Test
    void aFailedBackgroundRefreshIsNotRetriedOnEveryCall() throws Exception {
        Instant now = Instant.now();
        cache.getOrFetch("acct-7:key", now, () -> new TokenCache.Token("old", now.plusSeconds(200)));
        AtomicInteger fetches = new AtomicInteger();
        Supplier<TokenCache.Token> failing = () -> {
            fetches.incrementAndGet();
            throw new IllegalStateException("provider down");
        };
        assertThat(cache.getOrFetch("acct-7:key", now.plusSeconds(60), failing).value()).isEqualTo("old");
        awaitValue(fetches, 1);
        for (int i = 0; i < 50; i++) {
            assertThat(cache.getOrFetch("acct-7:key", now.plusSeconds(60 + i / 10), failing).value()).isEqualTo("old");
        }
        assertThat(fetches).hasValue(1);
        // Once the callers' margin has moved on by the retry interval, one more try (callers that come
        // while the first is still rolling back find it in flight, and leave it at that).
        Instant later = now.plusSeconds(60).plus(JdbcTokenCache.AHEAD_RETRY);
        within(Duration.ofSeconds(10), () -> {
            assertThat(cache.getOrFetch("acct-7:key", later, failing).value()).isEqualTo("old");
            return fetches.get() >= 2;
        });
        assertThat(fetches).hasValue(2);
    }

    @Test
    void tokensTooShortLivedToRefreshAheadAreNotFetchedOverAndOver() {
        Instant now = Instant.now();
        AtomicInteger fetches = new AtomicInteger();
        // A provider whose every token lives 200 s: less than the refresh-ahead window itself.
        Supplier<TokenCache.Token> shortLived = () -> new TokenCache.Token("t" + fetches.incrementAndGet(), now.plusSeconds(200));
        assertThat(cache.getOrFetch("acct-8:key", now, shortLived).value()).isEqualTo("t1");
        assertThat(cache.getOrFetch("acct-8:key", now.plusSeconds(60), shortLived).value()).isEqualTo("t1");
        // The one background try, which brings another 200 s token; once it is in use...
        within(Duration.ofSeconds(10), () -> cache.getOrFetch("acct-8:key", now.plusSeconds(60), shortLived).value().equals("t2"));
        // ...callers inside the window start no further fetch (one would show within the 300 ms given).
        for (int i = 0; i < 50; i++) {
            assertThat(cache.getOrFetch("acct-8:key", now.plusSeconds(60 + i), shortLived).value()).isEqualTo("t2");
        }
        within(Duration.ofMillis(300), () -> fetches.get() != 2);
        assertThat(fetches).hasValue(2);
        // Running out, it is fetched in line as before.
        assertThat(cache.getOrFetch("acct-8:key", now.plusSeconds(250), () -> new TokenCache.Token("later", now.plusSeconds(450)))
                .value()).isEqualTo("later");
    }

    private static void awaitValue(AtomicInteger counter, int expected) {
        within(Duration.ofSeconds(10), () -> counter.get() >= expected);
        assertThat(counter).hasValue(expected);
    }

    /**
     * Polls {@code condition} until it holds or {@code limit} has passed, and says which: a wait for
     * something another thread does (the caller asserts what it needs), never a timer.
     */
    private static boolean within(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) return false;
            Thread.onSpinWait();
        }
        return true;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
