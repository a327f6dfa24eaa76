package dev.malipo.sandbox.daraja;

import dev.malipo.sandbox.Behaviour;
import dev.malipo.sandbox.TestNumbers;

import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * B2C payouts (v1 and v3 paths). The OriginatorConversationID is the caller's idempotency handle:
 * a repeat returns the first answer and pays nothing twice. Test numbers apply to PartyB.
 */
final class B2cPayments {
    private static final Set<String> COMMANDS = Set.of("BusinessPayment", "SalaryPayment", "PromotionPayment");
    private static final DateTimeFormatter COMPLETED = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    record Payout(String originatorId, String conversationId, String partyB, long amount, URI resultUrl, URI timeoutUrl,
                  Map<String, Object> answer, Map<String, Object> state) {
    }

    private final DarajaEmulator emulator;
    private final DarajaEmulatorConfig config;
    private final Map<String, Payout> payouts = new ConcurrentHashMap<>();

    B2cPayments(DarajaEmulator emulator, DarajaEmulatorConfig config) {
        this.emulator = emulator;
        this.config = config;
    }

    StkPushes.Accepted pay(DarajaRequest r, boolean v3) {
        String originator = r.text("OriginatorConversationID");
        if (v3 && (originator == null || originator.isBlank())) throw DarajaError.invalid("OriginatorConversationID");
        if (originator == null || originator.isBlank()) originator = emulator.randomHex(16);
        Payout existing = payouts.get(originator);
        if (existing != null) {
            return new StkPushes.Accepted(existing.answer(), Duration.ZERO);
        }
        r.required("InitiatorName");
        r.required("SecurityCredential");
        if (!COMMANDS.contains(r.required("CommandID"))) throw DarajaError.invalid("CommandID");
        long amount = r.amount();
        if (!config.passkeys().containsKey(r.required("PartyA"))) throw DarajaError.invalid("PartyA");
        String partyB = r.msisdn("PartyB");
        URI resultUrl = r.callbackUrl("ResultURL", config.requireHttpsCallbacks());
        URI timeoutUrl = r.callbackUrl("QueueTimeOutURL", config.requireHttpsCallbacks());

        Behaviour behaviour = TestNumbers.behaviourOf(partyB);
        if (behaviour == Behaviour.PROVIDER_ERROR) throw new DarajaError("500.003.1001", "Internal Server Error");
        if (behaviour == Behaviour.INVALID_SUBSCRIBER) throw DarajaError.invalid("PartyB");

        String conversationId = "AG_" + DAY.format(config.clock().instant().atZone(StkPushes.NAIROBI)) + "_"
                + emulator.randomHex(10);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ConversationID", conversationId);
        answer.put("OriginatorConversationID", originator);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "Accept the service request successfully.");
        Map<String, Object> state = new ConcurrentHashMap<>(Map.of("state", "open"));
        Payout payout = new Payout(originator, conversationId, partyB, amount, resultUrl, timeoutUrl, answer, state);
        if (payouts.putIfAbsent(originator, payout) != null) {
            return new StkPushes.Accepted(payouts.get(originator).answer(), Duration.ZERO);
        }
        simulate(payout, behaviour);
        Duration delay = behaviour == Behaviour.TIMEOUT_AFTER_ACCEPT ? config.timeoutAfterAcceptDelay() : Duration.ZERO;
        return new StkPushes.Accepted(answer, delay);
    }

    private void simulate(Payout p, Behaviour behaviour) {
        Duration normal = config.scaled(config.approveDelay());
        switch (behaviour) {
            case INSUFFICIENT_FUNDS -> emulator.later(normal, () -> result(p, 1, "The balance is insufficient for the transaction.", 1));
            case DECLINE, WRONG_PIN -> emulator.later(normal, () -> result(p, 2001, "The initiator information is invalid.", 1));
            case NO_ANSWER -> emulator.later(normal, () -> {
                // The request sat in Safaricom's queue too long: a timeout notice, then the result.
                emulator.deliver(p.timeoutUrl(), timeoutBody(p), 1);
                emulator.later(config.scaled(config.noAnswerTimeout()),
                        () -> result(p, 0, "The service request is processed successfully.", 1));
            });
            case DUPLICATE_CALLBACK -> emulator.later(normal, () -> result(p, 0, "The service request is processed successfully.", 2));
            case NO_CALLBACK -> emulator.later(normal, () -> result(p, 0, "The service request is processed successfully.", 0));
            case SLOW_APPROVE -> emulator.later(config.scaled(config.slowApproveDelay()),
                    () -> result(p, 0, "The service request is processed successfully.", 1));
            default -> emulator.later(normal, () -> result(p, 0, "The service request is processed successfully.", 1));
        }
    }

    private void result(Payout p, int code, String desc, int deliveries) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ResultType", 0);
        result.put("ResultCode", code);
        result.put("ResultDesc", desc);
        result.put("OriginatorConversationID", p.originatorId());
        result.put("ConversationID", p.conversationId());
        String transactionId = emulator.receipt();
        result.put("TransactionID", transactionId);
        if (code == 0) {
            List<Map<String, Object>> params = new ArrayList<>();
            params.add(Map.of("Key", "TransactionAmount", "Value", p.amount()));
            params.add(Map.of("Key", "TransactionReceipt", "Value", transactionId));
            params.add(Map.of("Key", "ReceiverPartyPublicName", "Value", p.partyB() + " - Test Customer"));
            params.add(Map.of("Key", "TransactionCompletedDateTime", "Value",
                    COMPLETED.format(config.clock().instant().atZone(StkPushes.NAIROBI))));
            params.add(Map.of("Key", "B2CUtilityAccountAvailableFunds", "Value", 100000));
            params.add(Map.of("Key", "B2CWorkingAccountAvailableFunds", "Value", 100000));
            params.add(Map.of("Key", "B2CRecipientIsRegisteredCustomer", "Value", "Y"));
            params.add(Map.of("Key", "B2CChargesPaidAccountAvailableFunds", "Value", 0));
            result.put("ResultParameters", Map.of("ResultParameter", params));
        }
        result.put("ReferenceData", Map.of("ReferenceItem", Map.of("Key", "QueueTimeoutURL", "Value", p.timeoutUrl().toString())));
        p.state().put("state", "done");
        p.state().put("result_code", code);
        p.state().put("transaction_id", transactionId);
        emulator.deliver(p.resultUrl(), Map.of("Result", result), deliveries);
    }

    /**
     * Transaction Status: accepts at once, then posts what it knows about the original payout
     * (named by OriginalConversationID, or by TransactionID) to the query's ResultURL.
     */
    Map<String, Object> status(DarajaRequest r) {
        r.required("Initiator");
        r.required("SecurityCredential");
        if (!"TransactionStatusQuery".equals(r.required("CommandID"))) throw DarajaError.invalid("CommandID");
        URI resultUrl = r.callbackUrl("ResultURL", config.requireHttpsCallbacks());
        String queryId = r.text("OriginatorConversationID");
        if (queryId == null || queryId.isBlank()) queryId = emulator.randomHex(16);
        String originalId = r.text("OriginalConversationID");
        String transactionId = r.text("TransactionID");
        Payout original = originalId == null ? null : payouts.get(originalId);
        if (original == null && transactionId != null && !transactionId.isBlank()) {
            original = payouts.values().stream().filter(p -> transactionId.equals(p.state().get("transaction_id"))).findFirst().orElse(null);
        }
        String conversationId = "AG_" + DAY.format(config.clock().instant().atZone(StkPushes.NAIROBI)) + "_" + emulator.randomHex(10);
        Payout found = original;
        String qid = queryId;
        emulator.later(config.scaled(config.approveDelay()), () -> emulator.deliver(resultUrl, statusResult(qid, conversationId, found), 1));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("OriginatorConversationID", queryId);
        answer.put("ConversationID", conversationId);
        answer.put("ResponseCode", "0");
        answer.put("ResponseDescription", "Accept the service request successfully.");
        return answer;
    }

    private Map<String, Object> statusResult(String queryId, String conversationId, Payout p) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ResultType", 0);
        result.put("OriginatorConversationID", queryId);
        result.put("ConversationID", conversationId);
        result.put("TransactionID", emulator.receipt());
        boolean done = p != null && "done".equals(p.state().get("state"));
        if (p == null) {
            result.put("ResultCode", 2032);
            result.put("ResultDesc", "The transaction could not be found.");
        } else {
            result.put("ResultCode", 0);
            result.put("ResultDesc", "The service request is processed successfully.");
            int code = done ? (Integer) p.state().get("result_code") : -1;
            List<Map<String, Object>> params = new ArrayList<>();
            params.add(Map.of("Key", "TransactionStatus", "Value", !done ? "Pending" : code == 0 ? "Completed" : "Failed"));
            if (done && code == 0) params.add(Map.of("Key", "ReceiptNo", "Value", p.state().get("transaction_id")));
            params.add(Map.of("Key", "Amount", "Value", p.amount()));
            params.add(Map.of("Key", "DebitPartyName", "Value", "174379 - Malipo Sandbox"));
            params.add(Map.of("Key", "CreditPartyName", "Value", p.partyB() + " - Test Customer"));
            result.put("ResultParameters", Map.of("ResultParameter", params));
        }
        return Map.of("Result", result);
    }

    private Map<String, Object> timeoutBody(Payout p) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ResultType", 1);
        result.put("ResultCode", 1);
        result.put("ResultDesc", "The service request timed out.");
        result.put("OriginatorConversationID", p.originatorId());
        result.put("ConversationID", p.conversationId());
        return Map.of("Result", result);
    }

    List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Payout p : payouts.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "b2c");
            m.put("id", p.originatorId());
            m.put("phone", p.partyB());
            m.put("amount", p.amount());
            m.put("state", p.state().get("state"));
            m.put("result_code", p.state().get("result_code"));
            out.add(m);
        }
        return out;
    }

    void reset() {
        payouts.clear();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
