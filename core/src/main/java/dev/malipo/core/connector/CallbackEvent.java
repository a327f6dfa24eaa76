package dev.malipo.core.connector;

import java.util.Objects;

/**
 * A provider callback, verified and normalized.
 *
 * @param kind              whether it is about a collection or a payout
 * @param providerReference the provider's handle (CheckoutRequestID, OriginatorConversationID...)
 * @param dedupeKey         equal for two deliveries of the same news, so the second changes nothing;
 *                          two callbacks with one key must carry the same outcome (the gateway
 *                          relies on it to skip the duplicate look-up for a pending payment)
 * @param outcome           what the callback says happened; {@link Outcome.Pending} for interim news
 *                          such as a queue timeout
 * @param confirmBeforeTrusting true when the provider does not sign its callbacks, so the outcome
 *                          must be confirmed by a status query before money is released
 */
public record CallbackEvent(TransactionKind kind, String providerReference, String attemptId, String dedupeKey,
                            Outcome outcome, boolean confirmBeforeTrusting) {
    public CallbackEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        Objects.requireNonNull(outcome, "outcome");
    }
}
