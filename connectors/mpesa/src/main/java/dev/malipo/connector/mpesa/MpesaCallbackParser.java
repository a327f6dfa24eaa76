package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.crypto.Hmac;
import dev.malipo.core.payment.FailureReason;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Daraja's callbacks: the STK result ({@code Body.stkCallback}) and the B2C result or
 * queue timeout ({@code Result}). Daraja does not sign them, so every event asks to be confirmed
 * before it is trusted; the gateway's unguessable per-payment URL is the first line of defence.
 */
final class MpesaCallbackParser {
    static final String CHANNEL_HEADER = "x-malipo-callback-channel";
    /**
     * Our status queries' OriginatorConversationID: the payout's id, this marker, a number, and a
     * tag. The answer to such a query settles a payout without a second confirmation, and Daraja
     * signs nothing, so the tag (an HMAC keyed by the account's consumer secret) is what stops
     * anyone who learns a callback URL from forging "Daraja's own answer".
     */
    private static final String STATUS_MARKER = "-status-";
    private static final int TAG_LENGTH = 16;

    static String statusQueryId(String attemptId, long n, String key) {
        String id = attemptId + STATUS_MARKER + Long.toString(n, 36);
        return id + "-" + tag(key, id);
    }

    private static String tag(String key, String id) {
        return Hmac.sha256Hex(key, id.getBytes(StandardCharsets.UTF_8)).substring(0, TAG_LENGTH);
    }

    private MpesaCallbackParser() {
    }

    /** Parses without a status-query key: a Transaction Status answer is then rejected, never trusted. */
    static CallbackEvent parse(Map<String, List<String>> headers, byte[] raw) throws CallbackRejectedException {
        return parse(headers, raw, null);
    }

    static CallbackEvent parse(Map<String, List<String>> headers, byte[] raw, String statusKey) throws CallbackRejectedException {
        JsonNode root = DarajaMapping.parse(new String(raw, StandardCharsets.UTF_8));
        if (root == null) {
            throw new CallbackRejectedException("callback body is not a JSON object");
        }
        JsonNode stk = root.path("Body").path("stkCallback");
        if (stk.isObject()) {
            return stk(stk);
        }
        JsonNode result = root.path("Result");
        if (result.isObject() && result.path("OriginatorConversationID").asString("").contains(STATUS_MARKER)) {
            return transactionStatus(result, statusKey);
        }
        if (result.isObject()) {
            return b2c(result, isQueueTimeout(headers, result));
        }
        throw new CallbackRejectedException("not a Daraja STK or B2C callback");
    }

    /**
     * The gateway says which URL was called (header "timeout" or "result"); that is authoritative.
     * Without it (an SDK user with one URL for both), a ResultType other than 0 is read as a queue
     * timeout: taking a timeout for a final answer could fail a payout that still goes through,
     * while taking a final answer for a timeout only leaves it pending until someone asks.
     */
    private static boolean isQueueTimeout(Map<String, List<String>> headers, JsonNode result) {
        if (headers != null) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(CHANNEL_HEADER) && h.getValue() != null) {
                    if (h.getValue().stream().anyMatch("timeout"::equalsIgnoreCase)) return true;
                    if (h.getValue().stream().anyMatch("result"::equalsIgnoreCase)) return false;
                }
            }
        }
        JsonNode type = result.get("ResultType");
        return type != null && !type.isNull() && !type.asString("0").trim().equals("0");
    }

    private static CallbackEvent stk(JsonNode stk) throws CallbackRejectedException {
        String checkoutId = stk.path("CheckoutRequestID").asString("");
        if (checkoutId.isBlank() || !stk.has("ResultCode")) {
            throw new CallbackRejectedException("STK callback without CheckoutRequestID or ResultCode");
        }
        String code = stk.path("ResultCode").asString("").trim();
        String desc = stk.path("ResultDesc").asString(null);
        Map<String, String> items = new LinkedHashMap<>();
        for (JsonNode item : stk.path("CallbackMetadata").path("Item")) {
            JsonNode value = item.get("Value");
            if (value != null && !value.isNull()) {
                items.put(item.path("Name").asString(""), value.isNumber() ? value.decimalValue().toPlainString() : value.asString());
            }
        }
        Outcome outcome;
        String receipt = items.get("MpesaReceiptNumber");
        if (code.equals("0")) {
            // Success without a receipt is not success we can prove.
            outcome = receipt == null || receipt.isBlank()
                    ? new Outcome.Unknown(checkoutId, "success callback without MpesaReceiptNumber")
                    : new Outcome.Succeeded(checkoutId, receipt, Map.of(
                    "amount", items.getOrDefault("Amount", ""),
                    "transaction_date", items.getOrDefault("TransactionDate", ""),
                    "phone", items.getOrDefault("PhoneNumber", "")));
        } else {
            outcome = ResultCodeCatalogue.failure(code, desc).<Outcome>map(r -> new Outcome.Declined(checkoutId, r))
                    .orElseGet(() -> new Outcome.Unknown(checkoutId, "unrecognised ResultCode " + code + ": " + desc));
        }
        return new CallbackEvent(TransactionKind.COLLECTION, checkoutId, null, "stk:" + checkoutId, outcome, true);
    }

    /**
     * The answer to our Transaction Status query: Daraja's own word on the payout, so it may settle
     * one whose outcome was unknown (confirmBeforeTrusting = false). "Completed" is success; a
     * definite failure status is a decline; anything else, or an error (e.g. not found yet), is pending.
     */
    private static CallbackEvent transactionStatus(JsonNode result, String key) throws CallbackRejectedException {
        String queryId = result.path("OriginatorConversationID").asString("");
        String original = queryId.substring(0, queryId.indexOf(STATUS_MARKER));
        int tagAt = queryId.lastIndexOf('-');
        if (original.isBlank() || key == null || tagAt < 0
                || !Hmac.constantTimeEquals(queryId.substring(tagAt + 1), tag(key, queryId.substring(0, tagAt)))) {
            throw new CallbackRejectedException("status result for a query we did not send");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (JsonNode p : result.path("ResultParameters").path("ResultParameter")) {
            JsonNode value = p.get("Value");
            if (value != null && !value.isNull()) {
                params.put(p.path("Key").asString(""), value.isNumber() ? value.decimalValue().toPlainString() : value.asString());
            }
        }
        String code = result.path("ResultCode").asString("").trim();
        String status = params.getOrDefault("TransactionStatus", "");
        Outcome outcome;
        if (code.equals("0") && status.equalsIgnoreCase("Completed") && params.get("ReceiptNo") != null) {
            outcome = new Outcome.Succeeded(original, params.get("ReceiptNo"), Map.of());
        } else if (code.equals("0") && (status.equalsIgnoreCase("Failed") || status.equalsIgnoreCase("Cancelled"))) {
            outcome = new Outcome.Declined(original, new FailureReason("payout_failed", "Daraja reports the payout " + status,
                    null, true, status, result.path("ResultDesc").asString(null)));
        } else {
            outcome = new Outcome.Pending(original, "status query answered " + code + " " + status);
        }
        return new CallbackEvent(TransactionKind.PAYOUT, original, original, "ts:" + queryId, outcome, false);
    }

    private static CallbackEvent b2c(JsonNode result, boolean queueTimeout) throws CallbackRejectedException {
        String originator = result.path("OriginatorConversationID").asString("");
        if (originator.isBlank()) {
            throw new CallbackRejectedException("B2C result without OriginatorConversationID");
        }
        String code = result.path("ResultCode").asString("").trim();
        String desc = result.path("ResultDesc").asString(null);
        if (queueTimeout) {
            // A queue timeout is news, not an outcome: the request may still be processed.
            return new CallbackEvent(TransactionKind.PAYOUT, originator, originator, "b2c:" + originator + ":timeout",
                    new Outcome.Pending(originator, "queue timeout: " + desc), true);
        }
        Outcome outcome;
        if (code.equals("0")) {
            String transactionId = result.path("TransactionID").asString(null);
            outcome = transactionId == null || transactionId.isBlank()
                    ? new Outcome.Unknown(originator, "B2C success without TransactionID")
                    : new Outcome.Succeeded(originator, transactionId, Map.of());
        } else {
            outcome = ResultCodeCatalogue.failure(code, desc).<Outcome>map(r -> new Outcome.Declined(originator, r))
                    .orElseGet(() -> new Outcome.Unknown(originator, "unrecognised B2C ResultCode " + code + ": " + desc));
        }
        return new CallbackEvent(TransactionKind.PAYOUT, originator, originator, "b2c:" + originator + ":" + code, outcome, true);
    }
}
