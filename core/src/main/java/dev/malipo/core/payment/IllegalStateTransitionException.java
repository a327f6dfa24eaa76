package dev.malipo.core.payment;

public final class IllegalStateTransitionException extends IllegalStateException {
    private final PaymentStatus from;
    private final PaymentStatus to;

    public IllegalStateTransitionException(PaymentStatus from, PaymentStatus to) {
        super("Illegal transition " + from + " -> " + to);
        this.from = from;
        this.to = to;
    }

    public PaymentStatus from() {
        return from;
    }

    public PaymentStatus to() {
        return to;
    }
}
