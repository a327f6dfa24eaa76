package dev.malipo.sandbox.daraja;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every body Daraja POSTs to a merchant, field for field. Note the types: the STK callback's
 * ResultCode, Amount, TransactionDate and PhoneNumber are JSON numbers (clients parse them so).
 */
final class DarajaCallbacks {
    static final String SUCCESS = "The service request is processed successfully.";
    private static final DateTimeFormatter TRANSACTION_DATE = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final DateTimeFormatter COMPLETED = DateTimeFormatter.ofPattern("dd.MM.yyyy HH:mm:ss");

    /** {@code {"Body":{"stkCallback":{…}}}}; CallbackMetadata only on success. */
    Map<String, Object> stkCallback(StkPush p) {
        Map<String, Object> stk = new LinkedHashMap<>();
        stk.put("MerchantRequestID", p.merchantRequestId);
        stk.put("CheckoutRequestID", p.checkoutRequestId);
        stk.put("ResultCode", p.resultCode());
        stk.put("ResultDesc", p.resultDesc());
        if (p.resultCode() == 0) {
            List<Map<String, Object>> items = new ArrayList<>();
            items.add(item("Name", "Amount", p.amount));
            items.add(item("Name", "MpesaReceiptNumber", p.receipt()));
            items.add(item("Name", "TransactionDate", Long.parseLong(nairobi(TRANSACTION_DATE, p.completedAt()))));
            items.add(item("Name", "PhoneNumber", Long.parseLong(p.phone)));
            stk.put("CallbackMetadata", Map.of("Item", items));
        }
        return Map.of("Body", Map.of("stkCallback", stk));
    }

    /** B2C's {@code {"Result":{…}}} to the ResultURL; ResultParameters only on success. */
    Map<String, Object> b2cResult(Payout p) {
        Map<String, Object> result = header(0, p.resultCode(), p.resultDesc(), p.originatorConversationId, p.conversationId);
        result.put("TransactionID", p.transactionId());
        if (p.resultCode() == 0) {
            List<Map<String, Object>> params = new ArrayList<>();
            params.add(item("Key", "TransactionAmount", p.amount));
            params.add(item("Key", "TransactionReceipt", p.transactionId()));
            params.add(item("Key", "ReceiverPartyPublicName", p.partyB + " - Test Customer"));
            params.add(item("Key", "TransactionCompletedDateTime", nairobi(COMPLETED, p.completedAt())));
            params.add(item("Key", "B2CUtilityAccountAvailableFunds", 100000.00));
            params.add(item("Key", "B2CWorkingAccountAvailableFunds", 900000.00));
            params.add(item("Key", "B2CRecipientIsRegisteredCustomer", "Y"));
            params.add(item("Key", "B2CChargesPaidAccountAvailableFunds", 0.00));
            result.put("ResultParameters", Map.of("ResultParameter", params));
        }
        result.put("ReferenceData", Map.of("ReferenceItem", item("Key", "QueueTimeoutURL", p.queueTimeoutUrl.toString())));
        return Map.of("Result", result);
    }

    /**
     * What B2C posts to the QueueTimeOutURL when the request sat in Safaricom's queue too long. It
     * is news, not an outcome (the payment may still go through): ResultType 1 tells it apart.
     */
    Map<String, Object> queueTimeout(Payout p) {
        Map<String, Object> result = header(1, 1, "The service request timed out.", p.originatorConversationId, p.conversationId);
        result.put("ReferenceData", Map.of("ReferenceItem", item("Key", "QueueTimeoutURL", p.queueTimeoutUrl.toString())));
        return Map.of("Result", result);
    }

    /** Transaction Status' Result for a transaction it found ({@code status} Completed/Failed/Pending). */
    Map<String, Object> statusFound(String originatorId, String conversationId, String transactionId, String status,
                                    String receipt, long amount, String debitParty, String creditParty, Instant completedAt) {
        Map<String, Object> result = header(0, 0, SUCCESS, originatorId, conversationId);
        result.put("TransactionID", transactionId);
        List<Map<String, Object>> params = new ArrayList<>();
        params.add(item("Key", "DebitPartyName", debitParty));
        params.add(item("Key", "CreditPartyName", creditParty));
        params.add(item("Key", "InitiatedTime", completedAt == null ? 0L : Long.parseLong(nairobi(TRANSACTION_DATE, completedAt))));
        params.add(item("Key", "DebitAccountType", "Utility Account"));
        params.add(item("Key", "DebitPartyCharges", ""));
        params.add(item("Key", "TransactionReason", ""));
        params.add(item("Key", "ReasonType", "Business Payment to Customer via API"));
        params.add(item("Key", "TransactionStatus", status));
        params.add(item("Key", "FinalisedTime", completedAt == null ? 0L : Long.parseLong(nairobi(TRANSACTION_DATE, completedAt))));
        params.add(item("Key", "Amount", amount));
        params.add(item("Key", "ConversationID", conversationId));
        if (receipt != null) params.add(item("Key", "ReceiptNo", receipt));
        result.put("ResultParameters", Map.of("ResultParameter", params));
        result.put("ReferenceData", Map.of("ReferenceItem", item("Key", "Occasion", "")));
        return Map.of("Result", result);
    }

    /** Transaction Status' Result when it knows no such transaction. */
    Map<String, Object> statusNotFound(String originatorId, String conversationId, String transactionId) {
        Map<String, Object> result = header(0, 2032, "The transaction could not be found.", originatorId, conversationId);
        result.put("TransactionID", transactionId);
        return Map.of("Result", result);
    }

    private static Map<String, Object> header(int type, int code, String desc, String originatorId, String conversationId) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("ResultType", type);
        result.put("ResultCode", code);
        result.put("ResultDesc", desc);
        result.put("OriginatorConversationID", originatorId);
        result.put("ConversationID", conversationId);
        return result;
    }

    private static Map<String, Object> item(String keyName, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(keyName, key);
        m.put("Value", value);
        return m;
    }

    private static String nairobi(DateTimeFormatter f, Instant at) {
        return f.format(at.atZone(DarajaIds.NAIROBI));
    }
}
