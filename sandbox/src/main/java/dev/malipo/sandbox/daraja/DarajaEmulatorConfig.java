package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.FaultConfig;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a Daraja emulator behaves. Customer delays (approve ~1 s, slow approve 30 s, no answer 60 s)
 * are multiplied by {@code speedFactor}: 1.0 is what a person trying the sandbox sees, 0.01 makes
 * tests fast, 0 is instant. The 008 delay is not scaled: it must outlast the client's timeout.
 */
public record DarajaEmulatorConfig(String host, int port, double speedFactor, boolean instant,
                                   Map<String, String> apps, Map<String, String> passkeys, Duration tokenLifetime,
                                   Clock clock, boolean requireHttpsCallbacks, Duration approveDelay,
                                   Duration slowApproveDelay, Duration noAnswerTimeout, Duration timeoutAfterAcceptDelay,
                                   FaultConfig faults, long randomSeed) {

    public static final String DEMO_CONSUMER_KEY = "malipo-demo-key";
    public static final String DEMO_CONSUMER_SECRET = "malipo-demo-secret";
    public static final String DEMO_SHORT_CODE = "174379";
    /** Safaricom's published sandbox passkey for short code 174379. */
    public static final String DEMO_PASSKEY = "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919";

    public DarajaEmulatorConfig {
        if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be 0-65535 (0 = ephemeral)");
        if (speedFactor < 0 || Double.isNaN(speedFactor)) throw new IllegalArgumentException("speedFactor must be >= 0");
        apps = Map.copyOf(apps);
        passkeys = Map.copyOf(passkeys);
        java.util.Objects.requireNonNull(clock, "clock");
        java.util.Objects.requireNonNull(faults, "faults");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 0;
        private double speedFactor = 1.0;
        private boolean instant;
        private final Map<String, String> apps = new LinkedHashMap<>(Map.of(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET));
        private final Map<String, String> passkeys = new LinkedHashMap<>(Map.of(DEMO_SHORT_CODE, DEMO_PASSKEY));
        private Duration tokenLifetime = Duration.ofSeconds(3599);
        private Clock clock = Clock.systemUTC();
        private boolean requireHttpsCallbacks;
        private Duration approveDelay = Duration.ofSeconds(1);
        private Duration slowApproveDelay = Duration.ofSeconds(30);
        private Duration noAnswerTimeout = Duration.ofSeconds(60);
        private Duration timeoutAfterAcceptDelay = Duration.ofSeconds(10);
        private FaultConfig faults = FaultConfig.NONE;
        private long randomSeed = 42;

        public Builder host(String host) { this.host = host; return this; }
        public Builder port(int port) { this.port = port; return this; }
        /** Multiplies the customer delays: 1.0 real-world, 0 customers answer at once. */
        public Builder speedFactor(double f) { this.speedFactor = f; return this; }
        /**
         * Customers answer at once and their callback is delivered synchronously, before the
         * initiation's own HTTP answer is written: a gateway sees the callback before it has
         * stored the answer.
         */
        public Builder instant(boolean instant) { this.instant = instant; return this; }
        /** Registers another Daraja app; the demo app stays registered. */
        public Builder app(String consumerKey, String consumerSecret) { apps.put(consumerKey, consumerSecret); return this; }
        public Builder shortCode(String shortCode, String passkey) { passkeys.put(shortCode, passkey); return this; }
        public Builder tokenLifetime(Duration d) { this.tokenLifetime = d; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }
        public Builder requireHttpsCallbacks(boolean b) { this.requireHttpsCallbacks = b; return this; }
        public Builder approveDelay(Duration d) { this.approveDelay = d; return this; }
        public Builder slowApproveDelay(Duration d) { this.slowApproveDelay = d; return this; }
        public Builder noAnswerTimeout(Duration d) { this.noAnswerTimeout = d; return this; }
        /** How long test number 008's answer is held back; not scaled, it must outlast the client's timeout. */
        public Builder timeoutAfterAcceptDelay(Duration d) { this.timeoutAfterAcceptDelay = d; return this; }
        public Builder faults(FaultConfig f) { this.faults = f; return this; }
        /** Seeds the fault dice and generated ids, so a test sees the same run every time. */
        public Builder randomSeed(long seed) { this.randomSeed = seed; return this; }

        public DarajaEmulatorConfig build() {
            return new DarajaEmulatorConfig(host, port, speedFactor, instant, apps, passkeys, tokenLifetime, clock,
                    requireHttpsCallbacks, approveDelay, slowApproveDelay, noAnswerTimeout, timeoutAfterAcceptDelay, faults,
                    randomSeed);
        }
    }
}
