package dev.malipo.gateway.payments;

import dev.malipo.core.payment.FailureReason;

import java.time.Instant;
import java.util.Map;

/** A payment or payout as the API and webhooks show it (snake_case on the wire). */
public record PaymentView(String id, String object, String status, String amount, String currency, String phone,
                          String network, String reference, String description, Map<String, String> metadata,
                          String provider, String providerAccount, String providerReference, String receipt, Failure failure, boolean livemode,
                          Instant createdAt, Instant updatedAt, Instant completedAt) {

    /** Why it failed: a stable code to branch on, the provider's own words, and whether a retry can help. */
    public record Failure(String code, String message, String customerMessage, boolean retryable, String providerCode,
                          String providerMessage) {
        static Failure of(FailureReason r) {
            return r == null ? null : new Failure(r.code(), r.message(), r.customerMessage(), r.retryable(),
                    r.providerCode(), r.providerMessage());
        }
    }

    public static PaymentView of(Payment p) {
        return new PaymentView(p.id(), p.objectName(), p.status().apiName(), p.amount().toPlainString(),
                p.amount().currencyCode(), p.phone(), p.network(), p.reference(), p.description(), p.metadata(),
                p.provider(), p.providerAccountId(), p.providerReference(), p.receipt(), Failure.of(p.failure()),
                p.mode() == dev.malipo.gateway.merchants.Mode.LIVE, p.createdAt(), p.updatedAt(), p.completedAt());
    }
}
