package dev.malipo.gateway.payments;

import java.util.List;

/**
 * The provider's answer to a payment's initiation is stored: callbacks parked until now can be
 * processed. Published inside the transaction that stores the answer; a listener that moves the
 * payment reports the state it left it in ({@link #moved}), so the publisher need not read it back.
 */
public final class InitiationAnswered {
    private final String paymentId;
    private final boolean callbacksParked;
    private final List<ParkedCallback> parkedHere;
    private Payment latest;

    /** When the publisher does not know whether callbacks were parked: listeners look. */
    public InitiationAnswered(String paymentId) {
        this(paymentId, null, true, null);
    }

    /**
     * @param parkedHere the callbacks parked for the payment, all of them kept by this instance,
     *                   for listeners to decide without reading them (checking that they are still
     *                   parked, and that no other is); null when listeners must look
     */
    public InitiationAnswered(String paymentId, Payment asAnswered, boolean callbacksParked, List<ParkedCallback> parkedHere) {
        this.paymentId = paymentId;
        this.latest = asAnswered;
        this.callbacksParked = callbacksParked;
        this.parkedHere = parkedHere;
    }

    public String paymentId() {
        return paymentId;
    }

    /** False only when no callback can have been parked for the payment: nothing to look for. */
    public boolean callbacksParked() {
        return callbacksParked;
    }

    /** The parked callbacks as this instance kept them, when it kept every one; null when they must be read. */
    public List<ParkedCallback> parkedHere() {
        return parkedHere;
    }

    /** The payment as the answer (and any listener since) left it; null when the publisher did not say. */
    public Payment latest() {
        return latest;
    }

    public void moved(Payment now) {
        this.latest = now;
    }
}
