package dev.malipo.core.money;

/** An amount or currency that Malipo cannot accept; {@link #code()} is stable for API errors. */
public final class MoneyException extends IllegalArgumentException {
    private final String code;

    public MoneyException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
