package dev.malipo.sandbox;

import java.time.Duration;
import java.util.Random;

/**
 * Applies a {@link FaultConfig} to requests and callbacks. The dice are a seeded {@link Random}
 * of their own, so a test that sets a rate sees the same sequence of faults on every run.
 */
public final class FaultInjector {
    /** What an incoming money request suffers before the emulator looks at it. */
    public enum RequestFault { NONE, SERVER_ERROR, RATE_LIMITED }

    private final Random dice;
    private volatile FaultConfig config;

    public FaultInjector(FaultConfig config, long seed) {
        this.config = config;
        this.dice = new Random(seed);
    }

    public FaultConfig config() {
        return config;
    }

    public void set(FaultConfig config) {
        this.config = java.util.Objects.requireNonNull(config);
    }

    private double roll() {
        synchronized (dice) {
            return dice.nextDouble();
        }
    }

    /** Waits the added latency, then decides whether the request fails. One roll per request. */
    public RequestFault onRequest() {
        FaultConfig f = config;
        if (f.latencyMs() > 0) {
            try {
                Thread.sleep(Duration.ofMillis(f.latencyMs()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (f.errorRate() == 0 && f.rateLimitRate() == 0) return RequestFault.NONE;
        double r = roll();
        if (r < f.errorRate()) return RequestFault.SERVER_ERROR;
        if (r < f.errorRate() + f.rateLimitRate()) return RequestFault.RATE_LIMITED;
        return RequestFault.NONE;
    }

    /**
     * How many times a callback the customer meant to send {@code planned} times is really sent:
     * 0 when dropped, at least 2 when duplicated. A planned 0 stays 0 (nothing to duplicate).
     */
    public int deliveries(int planned) {
        FaultConfig f = config;
        if (planned == 0 || (f.dropCallbackRate() == 0 && f.duplicateCallbackRate() == 0)) return planned;
        double r = roll();
        if (r < f.dropCallbackRate()) return 0;
        if (r < f.dropCallbackRate() + f.duplicateCallbackRate()) return Math.max(planned, 2);
        return planned;
    }
}
