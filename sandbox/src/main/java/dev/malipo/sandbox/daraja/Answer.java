package dev.malipo.sandbox.daraja;

import java.time.Duration;
import java.util.Map;

/** A successful Daraja answer, and how long to hold it back (test number 008). */
record Answer(Map<String, Object> body, Duration delay) {
    static Answer now(Map<String, Object> body) {
        return new Answer(body, Duration.ZERO);
    }
}
