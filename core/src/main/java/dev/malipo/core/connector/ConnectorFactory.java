package dev.malipo.core.connector;

/**
 * Builds connectors for one provider. Implementations are found with {@link java.util.ServiceLoader}
 * (META-INF/services/dev.malipo.core.connector.ConnectorFactory), so adding a provider is adding a
 * module, not editing a list.
 */
public interface ConnectorFactory {

    /** The provider's id, e.g. "mpesa"; matches {@link PaymentConnector#provider()}. */
    String provider();

    PaymentConnector create(ConnectorConfig config);

    /**
     * Hosts where this provider moves real money. Test-mode accounts may not point at them, so a
     * test key can never charge anyone.
     */
    default java.util.Set<String> liveHosts() {
        return java.util.Set.of();
    }
}
