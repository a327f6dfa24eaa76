package dev.malipo.core.payment;

import java.util.Objects;

/**
 * Why a payment failed, in Malipo's stable vocabulary ({@link #code()}) with the provider's own
 * code and text kept beside it, a message for the merchant's customer and whether trying again
 * can help.
 */
public record FailureReason(String code, String message, String customerMessage, boolean retryable,
                            String providerCode, String providerMessage) {

    public FailureReason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static FailureReason of(String code, String message, boolean retryable) {
        return new FailureReason(code, message, null, retryable, null, null);
    }

    public FailureReason withProvider(String providerCode, String providerMessage) {
        return new FailureReason(code, message, customerMessage, retryable, providerCode, providerMessage);
    }
}
