package dev.malipo.sandbox.daraja;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Transaction Status ({@code /mpesa/transactionstatus/v1/query}): how a payout whose Result never
 * came is reconciled. Accepts at once, then posts what it knows to the query's ResultURL. It finds
 * a B2C payout by OriginalConversationID (or ConversationID), and a B2C TransactionID or an STK
 * receipt by TransactionID.
 */
final class TransactionStatus {
    private final DarajaContext ctx;
    private final StkPushes stk;
    private final B2cPayments b2c;

    TransactionStatus(DarajaContext ctx, StkPushes stk, B2cPayments b2c) {
        this.ctx = ctx;
        this.stk = stk;
        this.b2c = b2c;
    }

    /** The facts a status Result reports, whichever API the transaction came through. */
    private record Found(String transactionId, String status, String receipt, long amount, String debitParty,
                         String creditParty, String conversationId, Instant completedAt) {
    }

    Answer query(DarajaRequest r) {
        r.required("Initiator");
        r.required("SecurityCredential");
        if (!"TransactionStatusQuery".equals(r.required("CommandID"))) throw DarajaError.invalid("CommandID");
        r.required("PartyA");
        URI resultUrl = r.callbackUrl("ResultURL", ctx.config().requireHttpsCallbacks());
        r.callbackUrl("QueueTimeOutURL", ctx.config().requireHttpsCallbacks());
        String originalId = blankToNull(r.text("OriginalConversationID"));
        String transactionId = blankToNull(r.text("TransactionID"));
        if (originalId == null && transactionId == null) throw DarajaError.invalid("TransactionID");

        String queryId = Optional.ofNullable(blankToNull(r.text("OriginatorConversationID")))
                .orElseGet(() -> ctx.ids().originatorConversationId());
        String conversationId = ctx.ids().conversationId();
        // Looked up when the Result is sent, not now: a payout may settle in between.
        ctx.scheduler().after(ctx.scheduler().scale(ctx.config().approveDelay()), () -> {
            Map<String, Object> result = find(originalId, transactionId)
                    .map(f -> ctx.payloads().statusFound(queryId, conversationId, f.transactionId(), f.status(), f.receipt(),
                            f.amount(), f.debitParty(), f.creditParty(), f.completedAt()))
                    .orElseGet(() -> ctx.payloads().statusNotFound(queryId, conversationId,
                            transactionId == null ? "0000000000" : transactionId));
            ctx.callback(resultUrl, result, 1);
        });

        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("OriginatorConversationID", queryId);
        answer.put("ConversationID", conversationId);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "Accept the service request successfully.");
        return Answer.now(answer);
    }

    private Optional<Found> find(String originalId, String transactionId) {
        Optional<Payout> payout = Optional.empty();
        if (originalId != null) payout = b2c.find(originalId).or(() -> b2c.findByConversationId(originalId));
        if (payout.isEmpty() && transactionId != null) payout = b2c.findByTransactionId(transactionId);
        if (payout.isPresent()) {
            Payout p = payout.get();
            String status = !p.done() ? "Pending" : p.resultCode() == 0 ? "Completed" : "Failed";
            return Optional.of(new Found(p.done() ? p.transactionId() : "0000000000", status,
                    p.done() && p.resultCode() == 0 ? p.transactionId() : null, p.amount,
                    p.partyA + " - Malipo Sandbox", p.partyB + " - Test Customer", p.conversationId, p.completedAt()));
        }
        if (transactionId != null) {
            return stk.findByReceipt(transactionId).map(s -> new Found(s.receipt(), "Completed", s.receipt(), s.amount,
                    s.phone + " - Test Customer", s.shortCode + " - Malipo Sandbox", s.merchantRequestId, s.completedAt()));
        }
        return Optional.empty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
