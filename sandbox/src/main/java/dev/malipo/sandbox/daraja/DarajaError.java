package dev.malipo.sandbox.daraja;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Daraja's error envelope. The HTTP status is the errorCode's first segment (400.002.02 → 400),
 * as on the real API.
 */
final class DarajaError extends RuntimeException {
    final String errorCode;

    DarajaError(String errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    int httpStatus() {
        return Integer.parseInt(errorCode.substring(0, 3));
    }

    Map<String, Object> body() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("requestId", UUID.randomUUID().toString());
        b.put("errorCode", errorCode);
        b.put("errorMessage", getMessage());
        return b;
    }

    static DarajaError invalid(String field) {
        return new DarajaError("400.002.02", "Bad Request - Invalid " + field);
    }
}
