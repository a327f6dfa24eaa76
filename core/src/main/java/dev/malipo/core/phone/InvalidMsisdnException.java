package dev.malipo.core.phone;

/** A phone number Malipo cannot charge or pay; the message says why in words a merchant can act on. */
public final class InvalidMsisdnException extends IllegalArgumentException {
    public InvalidMsisdnException(String message) {
        super(message);
    }
}
