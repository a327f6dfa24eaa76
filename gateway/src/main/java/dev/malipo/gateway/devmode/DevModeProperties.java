package dev.malipo.gateway.devmode;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Dev mode (profile "dev"): the emulators in-process and a demo merchant whose test key is fixed,
 * so the README's curl walk-through works on every start.
 */
@ConfigurationProperties("malipo.dev")
record DevModeProperties(boolean enabled, int emulatorPort, String demoKey) {
    DevModeProperties {
        emulatorPort = emulatorPort <= 0 ? 8091 : emulatorPort;
        demoKey = demoKey == null ? "sk_test_demo_malipo_dev_only_key_000000000001" : demoKey;
    }
}
