package dev.malipo.sandbox;

/**
 * Faults an emulator injects so a client's resilience can be tested: added latency, a share of
 * answers that are bare HTTP 500s (outcome unknown to the client) or 429s, and callbacks that are
 * duplicated or dropped. Rates are 0.0–1.0.
 */
public record FaultConfig(long latencyMs, double errorRate, double rateLimitRate, double duplicateCallbackRate,
                          double dropCallbackRate) {
    public static final FaultConfig NONE = new FaultConfig(0, 0, 0, 0, 0);

    public FaultConfig {
        if (latencyMs < 0) throw new IllegalArgumentException("latencyMs must be >= 0");
        for (double r : new double[]{errorRate, rateLimitRate, duplicateCallbackRate, dropCallbackRate}) {
            if (r < 0 || r > 1) throw new IllegalArgumentException("rates are between 0 and 1");
        }
    }
}
