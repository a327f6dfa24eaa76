package dev.malipo.sandbox.daraja;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class B2cTest extends DarajaTestBase {
    static final String V3 = "/mpesa/b2c/v3/paymentrequest";
    static final String V1 = "/mpesa/b2c/v1/paymentrequest";

    @Test
    void paysAndPostsTheResult() throws Exception {
        HttpResponse<String> r = post(V3, b2c("po_1", OK_PHONE));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.get("ConversationID").asString()).matches("AG_20261124_[0-9a-f]{20}");
        assertThat(answer.get("OriginatorConversationID").asString()).isEqualTo("po_1");
        assertThat(answer.get("ResponseCode").asString()).isEqualTo("0");
        assertThat(answer.get("ResponseDescription").asString()).isEqualTo("Accept the service request successfully.");

        Received received = nextCallback();
        assertThat(received.path()).endsWith("/result");
        JsonNode result = received.body().get("Result");
        assertThat(result.get("ResultType").asInt()).isZero();
        assertThat(result.get("ResultCode").isNumber()).isTrue();
        assertThat(result.get("ResultCode").asInt()).isZero();
        assertThat(result.get("OriginatorConversationID").asString()).isEqualTo("po_1");
        assertThat(result.get("ConversationID").asString()).isEqualTo(answer.get("ConversationID").asString());
        assertThat(result.get("TransactionID").asString()).matches("[A-Z0-9]{10}");
        Map<String, JsonNode> params = new HashMap<>();
        result.get("ResultParameters").get("ResultParameter").forEach(p -> params.put(p.get("Key").asString(), p.get("Value")));
        assertThat(params.get("TransactionAmount").asLong()).isEqualTo(250);
        assertThat(params.get("TransactionReceipt").asString()).isEqualTo(result.get("TransactionID").asString());
        assertThat(params.get("ReceiverPartyPublicName").asString()).isEqualTo("254708374149 - Test Customer");
        assertThat(params.get("TransactionCompletedDateTime").asString()).isEqualTo("24.11.2026 10:00:00");
        assertThat(params.get("B2CRecipientIsRegisteredCustomer").asString()).isEqualTo("Y");
        assertThat(result.get("ReferenceData").get("ReferenceItem").get("Value").asString()).endsWith("/timeout");
    }

    @Test
    void aRepeatedOriginatorConversationIdGetsTheFirstAnswerAndPaysOnce() throws Exception {
        String token = token();
        JsonNode first = json(post(V3, b2c("po_twice", OK_PHONE), token));
        nextCallback();
        HttpResponse<String> again = post(V3, b2c("po_twice", OK_PHONE), token);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again)).isEqualTo(first);
        assertNoCallbackWithin(200);
        assertThat(transactions()).filteredOn(t -> t.get("kind").asString().equals("b2c")).hasSize(1);
    }

    @Test
    void v3NeedsAnOriginatorConversationIdAndV1MakesOneUp() throws Exception {
        String token = token();
        HttpResponse<String> v3 = post(V3, b2c(null, OK_PHONE), token);
        assertThat(v3.statusCode()).isEqualTo(400);
        assertThat(json(v3).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid OriginatorConversationID");

        Map<String, Object> v1Body = b2c(null, OK_PHONE);
        v1Body.remove("Occassion");
        v1Body.put("Occasion", "Salary");
        HttpResponse<String> v1 = post(V1, v1Body, token);
        assertThat(v1.statusCode()).isEqualTo(200);
        String made = json(v1).get("OriginatorConversationID").asString();
        assertThat(made).isNotBlank();
        assertThat(nextCallback().body().get("Result").get("OriginatorConversationID").asString()).isEqualTo(made);
    }

    @Test
    void fieldRules() throws Exception {
        String token = token();
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("CommandID", "Refund");
        bad.put("Amount", "99.5");
        bad.put("PartyB", "0712345678");
        bad.put("SecurityCredential", "");
        bad.put("ResultURL", "https://x.example/mpesa/result");
        bad.put("QueueTimeOutURL", "https://x.example/sql");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, Object> b = b2c("po_bad_" + e.getKey(), OK_PHONE);
            b.put(e.getKey(), e.getValue());
            HttpResponse<String> r = post(V3, b, token);
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(json(r).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid " + e.getKey());
        }
    }

    @Test
    void failuresCarryACodeAndNoParameters() throws Exception {
        String token = token();
        post(V3, b2c("po_broke", "254708374002"), token);
        JsonNode broke = nextCallback().body().get("Result");
        assertThat(broke.get("ResultCode").asInt()).isEqualTo(1);
        assertThat(broke.get("ResultDesc").asString()).isEqualTo("The balance is insufficient for the transaction.");
        assertThat(broke.has("ResultParameters")).isFalse();

        post(V3, b2c("po_initiator", "254708374003"), token);
        assertThat(nextCallback().body().get("Result").get("ResultCode").asInt()).isEqualTo(2001);
    }

    @Test
    void synchronousRowsAndTheQueueTimeout() throws Exception {
        String token = token();
        HttpResponse<String> invalid = post(V3, b2c("po_010", "254708374010"), token);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid PartyB");
        HttpResponse<String> down = post(V3, b2c("po_007", "254708374007"), token);
        assertThat(down.statusCode()).isEqualTo(500);
        assertThat(transactions()).isEmpty();

        post(V3, b2c("po_004", "254708374004"), token);
        Received timeout = nextCallback();
        assertThat(timeout.path()).endsWith("/timeout");
        assertThat(timeout.body().get("Result").get("ResultType").asInt()).isEqualTo(1);
        Received result = nextCallback();
        assertThat(result.path()).endsWith("/result");
        assertThat(result.body().get("Result").get("ResultCode").asInt()).as("a queue timeout is not a failure").isZero();
    }

    @Test
    void n005TwiceAndN006Never() throws Exception {
        String token = token();
        post(V3, b2c("po_005", "254708374005"), token);
        assertThat(nextCallback().body()).isEqualTo(nextCallback().body());
        post(V3, b2c("po_006", "254708374006"), token);
        assertNoCallbackWithin(300);
        assertThat(transactions()).filteredOn(t -> t.get("id").asString().equals("po_006"))
                .singleElement().satisfies(t -> assertThat(t.get("result_code").asInt()).isZero());
    }

    @Test
    void transactionStatusReconcilesAPayoutWhoseResultNeverCame() throws Exception {
        String token = token();
        post(V3, b2c("po_silent", "254708374006"), token);
        assertNoCallbackWithin(200);
        String transactionId = transactions().getFirst().get("transaction_id").asString();

        HttpResponse<String> accepted = post("/mpesa/transactionstatus/v1/query", status("po_silent-ts-1", "po_silent", ""), token);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(json(accepted).get("OriginatorConversationID").asString()).isEqualTo("po_silent-ts-1");
        JsonNode result = nextCallback().body().get("Result");
        assertThat(result.get("OriginatorConversationID").asString()).isEqualTo("po_silent-ts-1");
        Map<String, String> params = new HashMap<>();
        result.get("ResultParameters").get("ResultParameter").forEach(p -> params.put(p.get("Key").asString(), p.get("Value").asString()));
        assertThat(params).containsEntry("TransactionStatus", "Completed").containsEntry("ReceiptNo", transactionId);

        post("/mpesa/transactionstatus/v1/query", status("q2", null, "NOSUCHTXN0"), token);
        assertThat(nextCallback().body().get("Result").get("ResultCode").asInt()).isEqualTo(2032);
    }

    private Map<String, Object> status(String queryId, String originalId, String transactionId) {
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("Initiator", "testapi");
        q.put("SecurityCredential", "c2VjcmV0");
        q.put("CommandID", "TransactionStatusQuery");
        q.put("OriginatorConversationID", queryId);
        if (originalId != null) q.put("OriginalConversationID", originalId);
        q.put("TransactionID", transactionId);
        q.put("PartyA", "600996");
        q.put("IdentifierType", "4");
        q.put("ResultURL", callbackUrl + "/status");
        q.put("QueueTimeOutURL", callbackUrl + "/status");
        q.put("Remarks", "Status check");
        return q;
    }
}
