package dev.malipo.gateway.payments;

/** The provider's answer to a payment's initiation is stored: callbacks parked until now can be processed. */
public record InitiationAnswered(String paymentId) {
}
