package dev.malipo.core.connector;

/** A callback that is not what it claims (bad signature) or cannot be read. It changes nothing. */
public final class CallbackRejectedException extends Exception {
    public CallbackRejectedException(String message) {
        super(message);
    }

    public CallbackRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
