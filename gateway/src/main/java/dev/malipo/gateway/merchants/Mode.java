package dev.malipo.gateway.merchants;

import java.util.Locale;

/** Test keys reach only test provider accounts (the emulators, or a provider's sandbox); live keys only live ones. */
public enum Mode {
    TEST, LIVE;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Mode fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
