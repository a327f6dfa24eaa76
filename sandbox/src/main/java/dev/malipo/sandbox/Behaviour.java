package dev.malipo.sandbox;

/** What the simulated customer does, chosen by the phone number (see {@link TestNumbers}). */
public enum Behaviour {
    APPROVE, DECLINE, INSUFFICIENT_FUNDS, WRONG_PIN, NO_ANSWER, DUPLICATE_CALLBACK, NO_CALLBACK, PROVIDER_ERROR,
    TIMEOUT_AFTER_ACCEPT, SLOW_APPROVE, INVALID_SUBSCRIBER
}
