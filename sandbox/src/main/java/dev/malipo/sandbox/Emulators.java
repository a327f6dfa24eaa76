package dev.malipo.sandbox;

import java.util.Set;

/** The providers this sandbox emulates, by the same ids connectors use ("mpesa"). */
public final class Emulators {
    private Emulators() {
    }

    public static Set<String> providers() {
        return Set.of("mpesa");
    }
}
