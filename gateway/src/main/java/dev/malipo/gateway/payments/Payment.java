package dev.malipo.gateway.payments;

import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.payment.FailureReason;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.merchants.Mode;

import java.time.Instant;
import java.util.Map;

/** A payment (collection) or payout as stored. */
public record Payment(String id, String merchantId, TransactionKind kind, Mode mode, PaymentStatus status, Money amount,
                      String phone, String network, String reference, String description, Map<String, String> metadata,
                      String webhookUrl, String provider, String providerAccountId, String providerReference,
                      String receipt, FailureReason failure, String callbackToken, Instant initiationAnsweredAt,
                      Instant createdAt, Instant updatedAt, Instant completedAt) {

    public boolean initiationAnswered() {
        return initiationAnsweredAt != null;
    }

    public String idPrefix() {
        return kind == TransactionKind.COLLECTION ? "pay" : "po";
    }

    /** "payment" or "payout": the API object name and the event type prefix. */
    public String objectName() {
        return kind == TransactionKind.COLLECTION ? "payment" : "payout";
    }

    @Override
    public String toString() {
        return "Payment[" + id + " " + status + " " + amount + "]";
    }
}
