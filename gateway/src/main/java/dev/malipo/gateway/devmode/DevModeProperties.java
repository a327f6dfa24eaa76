package dev.malipo.gateway.devmode;

import org.springframework.aot.AotDetector;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Dev mode (profile "dev"): the emulators in-process and a demo merchant whose test key is fixed,
 * so the README's curl walk-through works on every start.
 */
@ConfigurationProperties("malipo.dev")
record DevModeProperties(boolean enabled, int emulatorPort, String demoKey) {
    DevModeProperties {
        // The AOT-processed context is the production one, its conditions settled at build time:
        // dev mode's beans are not in it, and without this check the gateway would start quietly
        // with no emulators and no demo merchant.
        if (enabled && AotDetector.useGeneratedArtifacts()) {
            throw new IllegalStateException("dev mode cannot run with -Dspring.aot.enabled=true "
                    + "(the build-time context is production's); start it without that option, as ./malipo dev does");
        }
        emulatorPort = emulatorPort <= 0 ? 8091 : emulatorPort;
        demoKey = demoKey == null ? "sk_test_demo_malipo_dev_only_key_000000000001" : demoKey;
    }
}
