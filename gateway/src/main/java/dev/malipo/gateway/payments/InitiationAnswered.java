package dev.malipo.gateway.payments;

/**
 * The provider's answer to a payment's initiation is stored: callbacks parked until now can be
 * processed. Published inside the transaction that stores the answer; a listener that moves the
 * payment reports the state it left it in ({@link #moved}), so the publisher need not read it back.
 */
public final class InitiationAnswered {
    private final String paymentId;
    private Payment latest;

    public InitiationAnswered(String paymentId) {
        this(paymentId, null);
    }

    public InitiationAnswered(String paymentId, Payment asAnswered) {
        this.paymentId = paymentId;
        this.latest = asAnswered;
    }

    public String paymentId() {
        return paymentId;
    }

    /** The payment as the answer (and any listener since) left it; null when the publisher did not say. */
    public Payment latest() {
        return latest;
    }

    public void moved(Payment now) {
        this.latest = now;
    }
}
