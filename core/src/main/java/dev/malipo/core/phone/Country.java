package dev.malipo.core.phone;

/** Countries whose mobile numbers Malipo understands, with their region code and currency. */
public enum Country {
    KE("254", "KES"),
    RW("250", "RWF");

    private final String callingCode;
    private final String currencyCode;

    Country(String callingCode, String currencyCode) {
        this.callingCode = callingCode;
        this.currencyCode = currencyCode;
    }

    public String callingCode() {
        return callingCode;
    }

    public String currencyCode() {
        return currencyCode;
    }

    /** The country whose currency this is, or null: used to read a local number like 07XXXXXXXX. */
    public static Country forCurrency(String currencyCode) {
        for (Country c : values()) {
            if (c.currencyCode.equalsIgnoreCase(currencyCode)) return c;
        }
        return null;
    }
}
