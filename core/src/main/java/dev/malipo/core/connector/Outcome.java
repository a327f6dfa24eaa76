package dev.malipo.core.connector;

import dev.malipo.core.payment.FailureReason;

import java.util.Map;

/**
 * What a provider call achieved. Five cases and no exceptions for provider failures, because each
 * case calls for different handling:
 * <ul>
 *   <li>{@link Succeeded}: money moved.</li>
 *   <li>{@link Pending}: accepted; the result comes later by callback or status query.</li>
 *   <li>{@link Declined}: definitely did not happen; safe to mark failed.</li>
 *   <li>{@link NotSent}: provably never left this machine; safe to retry.</li>
 *   <li>{@link Unknown}: may have happened; only a status query may settle it.</li>
 * </ul>
 * An unmapped provider code is {@code Unknown}, never {@code Declined}.
 */
public sealed interface Outcome {

    /** The provider's handle for the transaction when it gave one (CheckoutRequestID, ConversationID...). */
    String providerReference();

    record Succeeded(String providerReference, String receipt, Map<String, String> details) implements Outcome {
        public Succeeded {
            details = details == null ? Map.of() : Map.copyOf(details);
        }
    }

    record Pending(String providerReference, String message) implements Outcome {
    }

    record Declined(String providerReference, FailureReason reason) implements Outcome {
    }

    record NotSent(String reason) implements Outcome {
        @Override
        public String providerReference() {
            return null;
        }
    }

    record Unknown(String providerReference, String reason) implements Outcome {
    }
}
