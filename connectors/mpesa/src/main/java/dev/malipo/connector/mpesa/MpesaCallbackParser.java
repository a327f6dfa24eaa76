package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.TransactionKind;
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

    private MpesaCallbackParser() {
    }

    static CallbackEvent parse(Map<String, List<String>> headers, byte[] raw) throws CallbackRejectedException {
        JsonNode root = DarajaMapping.parse(new String(raw, StandardCharsets.UTF_8));
        if (root == null) {
            throw new CallbackRejectedException("callback body is not a JSON object");
        }
        JsonNode stk = root.path("Body").path("stkCallback");
        if (stk.isObject()) {
            return stk(stk);
        }
        JsonNode result = root.path("Result");
        if (result.isObject()) {
            List<String> channel = headers == null ? null : headers.get(CHANNEL_HEADER);
            boolean queueTimeout = channel != null && channel.contains("timeout");
            return b2c(result, queueTimeout);
        }
        throw new CallbackRejectedException("not a Daraja STK or B2C callback");
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
