package dev.malipo.core.connector;

import java.util.Objects;

/** Ask the provider what became of an earlier collect or payout. */
public record StatusQuery(TransactionKind kind, String attemptId, String providerReference) {
    public StatusQuery {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(attemptId, "attemptId");
    }
}
