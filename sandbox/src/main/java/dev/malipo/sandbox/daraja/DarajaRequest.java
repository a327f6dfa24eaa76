package dev.malipo.sandbox.daraja;

import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/** A Daraja request body read the way Daraja reads it: numbers or strings alike. */
final class DarajaRequest {
    /** Daraja refuses callback URLs containing any of these, in any letter case. */
    static final List<String> FORBIDDEN_URL_WORDS = List.of("mpesa", "m-pesa", "safaricom", "exe", "exec", "cmd", "sql", "query");

    private final JsonNode body;

    DarajaRequest(JsonNode body) {
        this.body = body;
    }

    String text(String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) return null;
        return n.isNumber() ? n.decimalValue().toPlainString() : n.asString();
    }

    String required(String field) {
        String v = text(field);
        if (v == null || v.isBlank()) throw DarajaError.invalid(field);
        return v.trim();
    }

    /** Whole shillings, at least 1: "1.5" is refused, "10" and 10 and 10.0 are fine. */
    long amount() {
        String v = required("Amount");
        try {
            BigDecimal d = new BigDecimal(v);
            if (d.signum() <= 0 || d.stripTrailingZeros().scale() > 0) throw DarajaError.invalid("Amount");
            return d.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw DarajaError.invalid("Amount");
        }
    }

    String msisdn(String field) {
        String v = required(field);
        if (!v.matches("254(7|1)\\d{8}")) throw DarajaError.invalid(field);
        return v;
    }

    URI callbackUrl(String field, boolean requireHttps) {
        String v = required(field);
        String lower = v.toLowerCase(Locale.ROOT);
        for (String word : FORBIDDEN_URL_WORDS) {
            if (lower.contains(word)) throw DarajaError.invalid(field);
        }
        try {
            URI uri = URI.create(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (uri.getHost() == null || !(scheme.equals("https") || (!requireHttps && scheme.equals("http")))) {
                throw DarajaError.invalid(field);
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw DarajaError.invalid(field);
        }
    }
}
