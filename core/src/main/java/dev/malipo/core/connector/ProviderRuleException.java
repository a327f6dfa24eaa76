package dev.malipo.core.connector;

/**
 * A request the provider would refuse, found before sending (e.g. a fractional amount for M-Pesa,
 * which takes whole shillings). {@link #field()} names the merchant-API field at fault.
 */
public final class ProviderRuleException extends IllegalArgumentException {
    private final String code;
    private final String field;

    public ProviderRuleException(String code, String field, String message) {
        super(message);
        this.code = code;
        this.field = field;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
