package dev.malipo.gateway.payments;

import dev.malipo.core.payment.PaymentStatus;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pending payments whose initiation's answer this instance stored, as it stored them, by callback
 * token: their callback — with a real provider it comes seconds after the answer — can then be
 * decided without reading the row first, the status change checked by the database instead. Only
 * a hint: taken once, and a wrong one (the payment moved meanwhile, on this instance or another)
 * costs the callback its shortcut, never a wrong decision.
 */
@Component
public class AnsweredHere {
    /** Bounds what callbacks that never come (or come to another instance) leave behind. */
    static final int LIMIT = 10_000;

    private final Map<String, Payment> byCallbackToken = new ConcurrentHashMap<>();

    /** The payment as its answer's transaction committed it; kept only while it waits for its callback. */
    public void remember(Payment answered) {
        if (answered.status() != PaymentStatus.PENDING || !answered.initiationAnswered()) return;
        if (byCallbackToken.size() >= LIMIT) byCallbackToken.clear();
        byCallbackToken.put(answered.callbackToken(), answered);
    }

    /** The payment a callback token names, as this instance last stored it, at most once; null when not known here. */
    public Payment take(String callbackToken) {
        return byCallbackToken.remove(callbackToken);
    }
}
