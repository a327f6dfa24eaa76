package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.ConnectorFactory;
import dev.malipo.sandbox.Emulators;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** A connector without an emulator is a provider merchants cannot test offline: not allowed. */
class EveryConnectorHasAnEmulatorTest {
    @Test
    void everyRegisteredConnectorHasAnEmulator() {
        Set<String> connectors = new TreeSet<>();
        ServiceLoader.load(ConnectorFactory.class).forEach(f -> connectors.add(f.provider()));
        assertThat(connectors).isNotEmpty();
        assertThat(Emulators.providers()).containsAll(connectors);
    }
}
