package dev.malipo.connector.mpesa;

import dev.malipo.core.payment.FailureReason;

import java.util.Map;
import java.util.Optional;

/**
 * Daraja's result codes as data: each maps to Malipo's stable failure code, a reason for the
 * merchant, a message for the customer, and whether trying again can help. A code not listed here
 * is not a failure we understand, so the mapping treats it as unknown, never as declined.
 */
public final class ResultCodeCatalogue {
    private record Entry(String failureCode, String reason, String customerMessage, boolean retryable) {
    }

    private static final Map<String, Entry> CODES = Map.ofEntries(
            Map.entry("1", new Entry("insufficient_funds", "The customer's M-Pesa balance is too low",
                    "Your M-Pesa balance is not enough. Top up and try again.", true)),
            Map.entry("17", new Entry("provider_busy", "M-Pesa refused: internal failure or the same amount to the same number within about 2 minutes",
                    "Please wait a minute and try again.", true)),
            Map.entry("26", new Entry("provider_busy", "M-Pesa is busy", "M-Pesa is busy. Please try again in a moment.", true)),
            Map.entry("1001", new Entry("subscriber_busy", "The customer has another M-Pesa or USSD session open",
                    "Please close other M-Pesa prompts on your phone and try again.", true)),
            Map.entry("1019", new Entry("expired", "The transaction expired before the customer completed it",
                    "The request expired. Please start again.", true)),
            Map.entry("1025", new Entry("push_not_sent", "M-Pesa could not send the prompt to the phone",
                    "We could not reach your phone. Please try again.", true)),
            Map.entry("9999", new Entry("push_not_sent", "M-Pesa could not send the prompt to the phone",
                    "We could not reach your phone. Please try again.", true)),
            Map.entry("1032", new Entry("cancelled_by_customer", "The customer cancelled the prompt",
                    "You cancelled the payment.", true)),
            Map.entry("1037", new Entry("customer_unreachable", "The phone was unreachable or the customer did not enter the PIN in time",
                    "We did not get an answer from your phone. Please try again.", true)),
            Map.entry("2001", new Entry("wrong_pin", "The customer entered a wrong PIN (B2C: invalid initiator)",
                    "The PIN was wrong. Please try again.", true)),
            Map.entry("SFC_IC0003", new Entry("invalid_configuration", "The operator does not exist: till and store numbers are probably mixed up",
                    "This payment cannot be completed right now.", false)));

    private ResultCodeCatalogue() {
    }

    /** The failure for a Daraja result code, or empty when the code is not catalogued. */
    public static Optional<FailureReason> failure(String resultCode, String resultDesc) {
        Entry e = CODES.get(resultCode);
        if (e == null) return Optional.empty();
        return Optional.of(new FailureReason(e.failureCode(), e.reason(), e.customerMessage(), e.retryable(), resultCode, resultDesc));
    }

    public static boolean isCatalogued(String resultCode) {
        return CODES.containsKey(resultCode);
    }

    /** Every catalogued code; the tests check each one has fixtures and a documented mapping. */
    static java.util.Set<String> codes() {
        return CODES.keySet();
    }
}
