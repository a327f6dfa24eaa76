package dev.malipo.gateway.payments;

import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this instance knows of the payments whose initiation it is waiting on: which callback token
 * names which of them, and the callbacks it parked for each before the answer was stored. Only
 * hints, so that a callback can be parked and an answer stored in one round trip each: the
 * database decides (every shortcut taken on a hint carries checks that fail its transaction when
 * the hint was wrong — a callback parked by another instance, an answer stored meanwhile), and a
 * hint lost costs a round trip, never a wrong answer.
 */
@Component
public class ParkedHere {
    /** Payments answered in the end forget their entries; this bounds those that never are (a crash). */
    static final int LIMIT = 10_000;

    private final Map<String, String> awaitedByToken = new ConcurrentHashMap<>();
    private final Map<String, Parked> parked = new ConcurrentHashMap<>();
    private static final Parked NONE = new Parked(List.of(), true);

    /**
     * The callbacks this instance parked for a payment: those whose content it kept, and whether it
     * also parked one without keeping it (then only the database can say what is parked).
     */
    public record Parked(List<ParkedCallback> callbacks, boolean allKept) {
        Parked with(ParkedCallback kept) {
            List<ParkedCallback> more = new ArrayList<>(callbacks);
            if (kept != null) more.add(kept);
            return new Parked(List.copyOf(more), allKept && kept != null);
        }
    }

    /** This instance is about to ask the provider to start the payment that {@code callbackToken} names. */
    public void awaiting(String callbackToken, String paymentId) {
        if (awaitedByToken.size() >= LIMIT) awaitedByToken.clear();
        awaitedByToken.put(callbackToken, paymentId);
    }

    /** The payment whose initiation's answer this instance awaits, by its callback token; null when none. */
    public String awaitedPayment(String callbackToken) {
        return awaitedByToken.get(callbackToken);
    }

    /**
     * A callback was parked for the payment (noted before the park commits: a park rolled back fails
     * the check); {@code callback} null when its content was not kept.
     */
    public void noteParked(String paymentId, ParkedCallback callback) {
        if (parked.size() >= LIMIT) parked.clear();
        parked.compute(paymentId, (id, was) -> (was != null ? was : NONE).with(callback));
    }

    /** What this instance parked for the payment; null when nothing. */
    public Parked parked(String paymentId) {
        return parked.get(paymentId);
    }

    /** The answer is stored (or will never be, here): forget the payment's parked callbacks. */
    public void answered(String paymentId) {
        parked.remove(paymentId);
    }

    /** This instance no longer waits on the initiation that {@code callbackToken} names. */
    public void notAwaiting(String callbackToken) {
        awaitedByToken.remove(callbackToken);
    }
}
