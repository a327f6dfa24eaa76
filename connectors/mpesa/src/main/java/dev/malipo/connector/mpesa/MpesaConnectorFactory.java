package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.ConnectorFactory;
import dev.malipo.core.connector.PaymentConnector;

/** Found by ServiceLoader: the gateway knows no connector by name. */
public final class MpesaConnectorFactory implements ConnectorFactory {
    @Override
    public String provider() {
        return MpesaConnector.PROVIDER;
    }

    @Override
    public java.util.Set<String> liveHosts() {
        return java.util.Set.of("api.safaricom.co.ke");
    }

    @Override
    public PaymentConnector create(ConnectorConfig config) {
        return new MpesaConnector(config);
    }
}
