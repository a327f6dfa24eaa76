package dev.malipo.sandbox;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one test-number table every emulator honours: the last three digits of the customer's
 * number decide what the customer does; any other ending approves. Each emulator translates the
 * {@link Behaviour} into its own provider's vocabulary.
 */
public final class TestNumbers {
    public static final Map<String, Behaviour> TABLE = Map.ofEntries(
            Map.entry("001", Behaviour.DECLINE),
            Map.entry("002", Behaviour.INSUFFICIENT_FUNDS),
            Map.entry("003", Behaviour.WRONG_PIN),
            Map.entry("004", Behaviour.NO_ANSWER),
            Map.entry("005", Behaviour.DUPLICATE_CALLBACK),
            Map.entry("006", Behaviour.NO_CALLBACK),
            Map.entry("007", Behaviour.PROVIDER_ERROR),
            Map.entry("008", Behaviour.TIMEOUT_AFTER_ACCEPT),
            Map.entry("009", Behaviour.SLOW_APPROVE),
            Map.entry("010", Behaviour.INVALID_SUBSCRIBER));

    private TestNumbers() {
    }

    /** The behaviour for a phone number in any form ("+254 708 374 001", 254708374001, …). */
    public static Behaviour behaviourOf(String phone) {
        String digits = phone == null ? "" : phone.replaceAll("\\D", "");
        if (digits.length() < 3) return Behaviour.APPROVE;
        return TABLE.getOrDefault(digits.substring(digits.length() - 3), Behaviour.APPROVE);
    }

    /** For banners and docs, one line per ending. */
    public static String describe() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(TABLE).forEach((ending, b) -> sb.append(String.format("  …%s  %-20s %s%n", ending, b, b.description())));
        return sb.append(String.format("  other %-20s %s%n", Behaviour.APPROVE, Behaviour.APPROVE.description())).toString();
    }
}
