package dev.malipo.gateway.payments;

/**
 * Published inside the transaction that changed a payment's status, so whoever records it (the
 * webhook outbox) commits or rolls back with the change itself.
 */
public record PaymentStatusChanged(Payment payment, PaymentView view) {

    /** "payment.succeeded", "payout.failed", … */
    public String eventType() {
        return payment.objectName() + "." + payment.status().apiName();
    }
}
