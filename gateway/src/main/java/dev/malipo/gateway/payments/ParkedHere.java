package dev.malipo.gateway.payments;

import org.springframework.stereotype.Component;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Payments for which this instance parked a callback whose initiation answer is not stored yet.
 * Only a hint, so that storing the answer can skip a shortcut bound to fail: the database decides
 * (a callback parked by another instance is not here, and the shortcut's own check catches it),
 * and a hint lost costs one failed check, never a wrong answer.
 */
@Component
class ParkedHere {
    /** Payments answered in the end forget their entry; this bounds those that never are (a crash). */
    static final int LIMIT = 10_000;

    private final Set<String> paymentIds = ConcurrentHashMap.newKeySet();

    void noteParked(String paymentId) {
        if (paymentIds.size() >= LIMIT) paymentIds.clear();
        paymentIds.add(paymentId);
    }

    boolean mayHaveParked(String paymentId) {
        return paymentIds.contains(paymentId);
    }

    void answered(String paymentId) {
        paymentIds.remove(paymentId);
    }
}
