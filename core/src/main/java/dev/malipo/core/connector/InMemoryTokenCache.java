package dev.malipo.core.connector;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/** One process's token cache; a fetch for one key never blocks callers of another key. */
public final class InMemoryTokenCache implements TokenCache {

    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    @Override
    public Optional<Token> get(String key) {
        return Optional.ofNullable(tokens.get(key));
    }

    @Override
    public Token getOrFetch(String key, Instant validUntilAtLeast, Supplier<Token> fetch) {
        Token current = tokens.get(key);
        if (current != null && current.expiresAt().isAfter(validUntilAtLeast)) {
            return current;
        }
        ReentrantLock lock = locks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            current = tokens.get(key);
            if (current != null && current.expiresAt().isAfter(validUntilAtLeast)) {
                return current;
            }
            Token fresh = fetch.get();
            tokens.put(key, fresh);
            return fresh;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void invalidate(String key, Token stale) {
        tokens.remove(key, stale);
    }
}
