package dev.malipo.sandbox;

/** What the simulated customer does, chosen by the phone number (see {@link TestNumbers}). */
public enum Behaviour {
    APPROVE("approves after ~1 s"),
    DECLINE("declines / cancels on the phone"),
    INSUFFICIENT_FUNDS("has insufficient funds"),
    WRONG_PIN("enters the wrong PIN"),
    NO_ANSWER("never answers (fails after the provider's timeout)"),
    DUPLICATE_CALLBACK("approves, callback sent twice"),
    NO_CALLBACK("approves, callback never sent (status query tells)"),
    PROVIDER_ERROR("the provider answers 500 to the initiation, nothing charged"),
    TIMEOUT_AFTER_ACCEPT("accepted, but the answer comes after the client's timeout"),
    SLOW_APPROVE("approves after 30 s"),
    INVALID_SUBSCRIBER("invalid / unregistered subscriber, rejected at once");

    private final String description;

    Behaviour(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
