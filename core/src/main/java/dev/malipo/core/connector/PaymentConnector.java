package dev.malipo.core.connector;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One provider account (credentials plus base URL) as Malipo sees it. Implementations hold every
 * provider field name and status code; the gateway never builds a provider's JSON itself.
 *
 * <p>Methods return an {@link Outcome} rather than throwing for anything the provider or the
 * network does; they throw only for programming errors (e.g. a capability the connector lacks).
 */
public interface PaymentConnector {

    /** The provider's id, e.g. "mpesa". */
    String provider();

    Set<Capability> capabilities();

    /** Checks a collect request against the provider's own rules before anything is sent. */
    default void validate(CollectRequest request) {
    }

    /** Checks a payout request against the provider's own rules before anything is sent. */
    default void validate(PayoutRequest request) {
    }

    Outcome collect(CollectRequest request);

    Outcome payout(PayoutRequest request);

    Outcome queryStatus(StatusQuery query);

    /**
     * Verifies (where the provider signs) and normalizes a callback body.
     *
     * @param headers header names in lower case; the gateway adds {@code x-malipo-callback-channel}
     *                with "result" or "timeout": which of the two URLs it gave the provider was called
     *                (Daraja B2C posts a queue timeout to the QueueTimeOutURL)
     */
    CallbackEvent parseCallback(Map<String, List<String>> headers, byte[] body) throws CallbackRejectedException;
}
