package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.Behaviour;
import dev.malipo.sandbox.TestNumbers;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * B2C payouts ({@code /mpesa/b2c/v1|v3/paymentrequest}). The OriginatorConversationID is the
 * caller's idempotency handle: a repeat gets the first answer back and pays nothing twice, which
 * is what makes a payout safe to retry after a timeout. Test numbers apply to PartyB.
 */
final class B2cPayments {
    private static final Set<String> COMMANDS = Set.of("BusinessPayment", "SalaryPayment", "PromotionPayment");

    private final DarajaContext ctx;
    private final Map<String, Payout> payouts = new ConcurrentHashMap<>();

    B2cPayments(DarajaContext ctx) {
        this.ctx = ctx;
    }

    Answer pay(DarajaRequest r, boolean v3) {
        String originator = r.text("OriginatorConversationID");
        boolean given = originator != null && !originator.isBlank();
        if (v3 && !given) throw DarajaError.invalid("OriginatorConversationID");
        if (given) {
            Payout first = payouts.get(originator.trim());
            if (first != null) return Answer.now(first.answer);
        }
        r.required("InitiatorName");
        r.required("SecurityCredential"); // never logged or echoed: it is the initiator's encrypted password
        if (!COMMANDS.contains(r.required("CommandID"))) throw DarajaError.invalid("CommandID");
        long amount = r.amount();
        String partyA = r.required("PartyA");
        // Daraja's sandbox B2C short codes (600xxx) differ from the STK one, so any short-code shape goes.
        if (!partyA.matches("\\d{5,7}")) throw DarajaError.invalid("PartyA");
        String partyB = r.msisdn("PartyB");
        URI timeoutUrl = r.callbackUrl("QueueTimeOutURL", ctx.config().requireHttpsCallbacks());
        URI resultUrl = r.callbackUrl("ResultURL", ctx.config().requireHttpsCallbacks());
        // Remarks and Occasion (or the misspelt Occassion some clients send) are free text.

        Behaviour behaviour = TestNumbers.behaviourOf(partyB);
        if (behaviour == Behaviour.PROVIDER_ERROR) throw new DarajaError("500.003.1001", "Internal Server Error");
        if (behaviour == Behaviour.INVALID_SUBSCRIBER) throw DarajaError.invalid("PartyB");

        String id = given ? originator.trim() : ctx.ids().originatorConversationId();
        String conversationId = ctx.ids().conversationId();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ConversationID", conversationId);
        answer.put("OriginatorConversationID", id);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "Accept the service request successfully.");
        Payout payout = new Payout(id, conversationId, partyA, partyB, amount, resultUrl, timeoutUrl, answer);
        Payout raced = payouts.putIfAbsent(id, payout);
        if (raced != null) return Answer.now(raced.answer); // two concurrent first tries: one payout
        simulate(payout, behaviour);
        Duration hold = behaviour == Behaviour.TIMEOUT_AFTER_ACCEPT ? ctx.config().timeoutAfterAcceptDelay() : Duration.ZERO;
        return new Answer(payout.answer, hold);
    }

    private void simulate(Payout p, Behaviour behaviour) {
        DarajaEmulatorConfig c = ctx.config();
        Duration normal = ctx.scheduler().scale(c.approveDelay());
        switch (behaviour) {
            case INSUFFICIENT_FUNDS -> ctx.scheduler().after(normal,
                    () -> finish(p, 1, "The balance is insufficient for the transaction.", 1));
            case DECLINE, WRONG_PIN -> ctx.scheduler().after(normal,
                    () -> finish(p, 2001, "The initiator information is invalid.", 1));
            case NO_ANSWER -> ctx.scheduler().after(normal, () -> {
                // Stuck in Safaricom's queue: a timeout notice first, the real result much later.
                ctx.callback(p.queueTimeoutUrl, ctx.payloads().queueTimeout(p), 1);
                ctx.scheduler().after(ctx.scheduler().scale(c.noAnswerTimeout()),
                        () -> finish(p, 0, DarajaCallbacks.SUCCESS, 1));
            });
            case DUPLICATE_CALLBACK -> ctx.scheduler().after(normal, () -> finish(p, 0, DarajaCallbacks.SUCCESS, 2));
            case NO_CALLBACK -> ctx.scheduler().after(normal, () -> finish(p, 0, DarajaCallbacks.SUCCESS, 0));
            case SLOW_APPROVE -> ctx.scheduler().after(ctx.scheduler().scale(c.slowApproveDelay()),
                    () -> finish(p, 0, DarajaCallbacks.SUCCESS, 1));
            default -> ctx.scheduler().after(normal, () -> finish(p, 0, DarajaCallbacks.SUCCESS, 1));
        }
    }

    private void finish(Payout p, int code, String desc, int deliveries) {
        p.complete(code, desc, ctx.ids().receipt(), ctx.config().clock().instant());
        ctx.callback(p.resultUrl, ctx.payloads().b2cResult(p), deliveries);
    }

    Optional<Payout> find(String originatorConversationId) {
        return Optional.ofNullable(payouts.get(originatorConversationId));
    }

    Optional<Payout> findByTransactionId(String transactionId) {
        return payouts.values().stream().filter(p -> transactionId.equals(p.transactionId())).findFirst();
    }

    Optional<Payout> findByConversationId(String conversationId) {
        return payouts.values().stream().filter(p -> conversationId.equals(p.conversationId)).findFirst();
    }

    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Payout p : payouts.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "b2c");
            m.put("id", p.originatorConversationId);
            m.put("conversation_id", p.conversationId);
            m.put("short_code", p.partyA);
            m.put("phone", p.partyB);
            m.put("amount", p.amount);
            m.put("state", p.done() ? "done" : "open");
            m.put("result_code", p.done() ? p.resultCode() : null);
            m.put("result_desc", p.done() ? p.resultDesc() : null);
            m.put("transaction_id", p.transactionId());
            out.add(m);
        }
        return out;
    }

    void reset() {
        payouts.clear();
    }
}
