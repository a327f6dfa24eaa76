package dev.malipo.sandbox.daraja;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

/** One B2C payment request, keyed by its OriginatorConversationID (the caller's idempotency handle). */
final class Payout {
    final String originatorConversationId;
    final String conversationId;
    final String partyA;
    final String partyB;
    final long amount;
    final URI resultUrl;
    final URI queueTimeoutUrl;
    /** The synchronous answer, given again to every repeat of the same OriginatorConversationID. */
    final Map<String, Object> answer;
    private volatile boolean done;
    private volatile int resultCode;
    private volatile String resultDesc;
    private volatile String transactionId;
    private volatile Instant completedAt;

    Payout(String originatorConversationId, String conversationId, String partyA, String partyB, long amount,
           URI resultUrl, URI queueTimeoutUrl, Map<String, Object> answer) {
        this.originatorConversationId = originatorConversationId;
        this.conversationId = conversationId;
        this.partyA = partyA;
        this.partyB = partyB;
        this.amount = amount;
        this.resultUrl = resultUrl;
        this.queueTimeoutUrl = queueTimeoutUrl;
        this.answer = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(answer));
    }

    void complete(int code, String desc, String transactionId, Instant at) {
        this.resultCode = code;
        this.resultDesc = desc;
        this.transactionId = transactionId;
        this.completedAt = at;
        this.done = true;
    }

    boolean done() { return done; }
    int resultCode() { return resultCode; }
    String resultDesc() { return resultDesc; }
    String transactionId() { return transactionId; }
    Instant completedAt() { return completedAt; }
}
