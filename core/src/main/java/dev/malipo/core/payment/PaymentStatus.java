package dev.malipo.core.payment;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The life of a payment or a payout. {@code UNKNOWN} means "we sent it and do not know whether it
 * happened": only the provider's answer to a status query (or its own callback, confirmed) may
 * move it on, never a timer. Terminal states are final.
 */
public enum PaymentStatus {
    PENDING, UNKNOWN, SUCCEEDED, FAILED, EXPIRED;

    public boolean isTerminal() {
        return this == SUCCEEDED || this == FAILED || this == EXPIRED;
    }

    public Set<PaymentStatus> allowedNext() {
        return switch (this) {
            case PENDING -> EnumSet.of(UNKNOWN, SUCCEEDED, FAILED, EXPIRED);
            // Expiry is a timer's decision, and a timer must never settle an unknown outcome.
            case UNKNOWN -> EnumSet.of(SUCCEEDED, FAILED);
            case SUCCEEDED, FAILED, EXPIRED -> EnumSet.noneOf(PaymentStatus.class);
        };
    }

    public boolean canMoveTo(PaymentStatus next) {
        return allowedNext().contains(next);
    }

    /** Throws when the move is illegal; callers use it before the conditional UPDATE. */
    public void checkMoveTo(PaymentStatus next) {
        if (!canMoveTo(next)) {
            throw new IllegalStateTransitionException(this, next);
        }
    }

    /** The lower-case form used on the API: "succeeded". */
    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PaymentStatus fromApiName(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
