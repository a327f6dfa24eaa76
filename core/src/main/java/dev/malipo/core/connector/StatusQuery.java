package dev.malipo.core.connector;

import java.net.URI;
import java.util.Objects;

/**
 * Ask the provider what became of an earlier collect or payout.
 *
 * @param resultUrl where the answer goes when the provider answers status queries asynchronously
 *                  (Daraja's Transaction Status API); connectors that answer at once ignore it
 */
public record StatusQuery(TransactionKind kind, String attemptId, String providerReference, URI resultUrl) {
    public StatusQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(attemptId, "attemptId");
    }

    public StatusQuery(TransactionKind kind, String attemptId, String providerReference) {
        this(kind, attemptId, providerReference, null);
    }
}
