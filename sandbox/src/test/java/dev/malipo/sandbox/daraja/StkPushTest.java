package dev.malipo.sandbox.daraja;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StkPushTest extends DarajaTestBase {

    @Test
    void acceptsAPushAndTheCustomerPays() throws Exception {
        HttpResponse<String> r = post(STK, stkPush(OK_PHONE));
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = json(r);
        assertThat(answer.get("ResponseCode").asString()).isEqualTo("0");
        assertThat(answer.get("ResponseDescription").asString()).isEqualTo("Success. Request accepted for processing");
        assertThat(answer.get("CustomerMessage").asString()).isEqualTo("Success. Request accepted for processing");
        assertThat(answer.get("MerchantRequestID").asString()).matches("\\d+-\\d+-1");
        assertThat(answer.get("CheckoutRequestID").asString()).matches("ws_CO_24112026100000\\d+");

        Received received = nextCallback();
        assertThat(received.path()).isEqualTo("/cb/Xk29fQ");
        JsonNode cb = received.body().get("Body").get("stkCallback");
        assertThat(cb.get("MerchantRequestID").asString()).isEqualTo(answer.get("MerchantRequestID").asString());
        assertThat(cb.get("CheckoutRequestID").asString()).isEqualTo(answer.get("CheckoutRequestID").asString());
        assertThat(cb.get("ResultCode").isNumber()).isTrue();
        assertThat(cb.get("ResultCode").asInt()).isZero();
        assertThat(cb.get("ResultDesc").asString()).isEqualTo("The service request is processed successfully.");
        Map<String, JsonNode> items = new HashMap<>();
        cb.get("CallbackMetadata").get("Item").forEach(i -> items.put(i.get("Name").asString(), i.get("Value")));
        assertThat(items.get("Amount").isNumber()).isTrue();
        assertThat(items.get("Amount").asLong()).isEqualTo(10);
        assertThat(items.get("MpesaReceiptNumber").asString()).matches("[A-Z0-9]{10}");
        assertThat(items.get("TransactionDate").isNumber()).isTrue();
        assertThat(items.get("TransactionDate").asLong()).isEqualTo(20261124100000L); // Nairobi time
        assertThat(items.get("PhoneNumber").asLong()).isEqualTo(254708374149L);
    }

    @Test
    void thePasswordIsCheckedAgainstTheTimestampSentEvenInUtc() throws Exception {
        String token = token();
        assertThat(post(STK, stkPush(OK_PHONE, ZoneOffset.UTC), token).statusCode()).isEqualTo(200);

        Map<String, Object> wrongPasskey = stkPush(OK_PHONE);
        wrongPasskey.put("Password", DarajaPassword.of("174379", "not-the-passkey", (String) wrongPasskey.get("Timestamp")));
        HttpResponse<String> r = post(STK, wrongPasskey, token);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).get("errorCode").asString()).isEqualTo("500.001.1001");
        assertThat(json(r).get("errorMessage").asString()).isEqualTo("Wrong credentials");

        Map<String, Object> unknownShortCode = stkPush(OK_PHONE);
        unknownShortCode.put("BusinessShortCode", "600000");
        unknownShortCode.put("Password", DarajaPassword.of("600000", DarajaEmulatorConfig.DEMO_PASSKEY,
                (String) unknownShortCode.get("Timestamp")));
        assertThat(post(STK, unknownShortCode, token).statusCode()).isEqualTo(500);
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"Amount,1.5", "Amount,0", "Amount,-5", "Amount,ten", "AccountReference,ABCDEFGHIJKLM",
            "PhoneNumber,255712345678", "PhoneNumber,0712345678", "PartyA,254812345678", "TransactionType,CustomerPay",
            "Timestamp,2026-11-24"})
    void fieldRules(String field, String value) throws Exception {
        Map<String, Object> b = stkPush(OK_PHONE);
        b.put(field, value);
        HttpResponse<String> r = post(STK, b);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("errorCode").asString()).isEqualTo("400.002.02");
        assertThat(json(r).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid " + field);
    }

    @Test
    void acceptsWhatRealClientsSend() throws Exception {
        String token = token();
        Map<String, Object> b = stkPush("254112345678");
        b.put("Amount", 10.0);
        b.put("PartyA", 254112345678L);
        b.put("AccountReference", "ABCDEFGHIJKL"); // exactly 12
        b.put("TransactionDesc", "A description far longer than thirteen characters");
        b.put("TransactionType", "CustomerBuyGoodsOnline");
        assertThat(post(STK, b, token).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://x.example/MPESA/cb", "https://x.example/M-Pesa", "https://SafariCom.example/cb",
            "https://x.example/cb?Query=1", "https://x.example/run.EXE", "https://x.example/Exec/cb", "https://x.example/CMD",
            "https://x.example/mySql", "not a url", "/relative/cb", "ftp://x.example/cb"})
    void refusesCallbackUrlsDarajaRefuses(String url) throws Exception {
        Map<String, Object> b = stkPush(OK_PHONE);
        b.put("CallBackURL", url);
        HttpResponse<String> r = post(STK, b);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid CallBackURL");
    }

    @ParameterizedTest(name = "…{0} → {1}")
    @CsvSource({"149,0", "001,1032", "002,1", "003,2001", "004,1037", "009,0"})
    void theCustomerAnswersByCallback(String ending, int code) throws Exception {
        String checkout = json(post(STK, stkPush("254708374" + ending))).get("CheckoutRequestID").asString();
        JsonNode cb = nextStkCallback();
        assertThat(cb.get("CheckoutRequestID").asString()).isEqualTo(checkout);
        assertThat(cb.get("ResultCode").asInt()).isEqualTo(code);
        assertThat(cb.has("CallbackMetadata")).isEqualTo(code == 0);
        assertNoCallbackWithin(100);
    }

    @Test
    void failureDescriptionsAreDarajas() throws Exception {
        String token = token();
        post(STK, stkPush("254708374001"), token);
        assertThat(nextStkCallback().get("ResultDesc").asString()).isEqualTo("Request cancelled by user");
        post(STK, stkPush("254708374004"), token);
        assertThat(nextStkCallback().get("ResultDesc").asString()).isEqualTo("DS timeout user cannot be reached");
    }

    @Test
    void n005SendsTheSameCallbackTwice() throws Exception {
        post(STK, stkPush("254708374005"));
        JsonNode first = nextCallback().body();
        assertThat(nextCallback().body()).isEqualTo(first);
        assertNoCallbackWithin(100);
    }

    @Test
    void n006SendsNoCallbackButTheQueryKnows() throws Exception {
        String token = token();
        String checkout = json(post(STK, stkPush("254708374006"), token)).get("CheckoutRequestID").asString();
        assertNoCallbackWithin(300);
        HttpResponse<String> q = post(STK_QUERY, stkQuery(checkout), token);
        assertThat(q.statusCode()).isEqualTo(200);
        assertThat(json(q).get("ResultCode").asString()).isEqualTo("0");
    }

    @Test
    void n007AnswersAServerErrorAndKeepsNothing() throws Exception {
        HttpResponse<String> r = post(STK, stkPush("254708374007"));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(json(r).get("errorCode").asString()).isEqualTo("500.003.1001");
        assertNoCallbackWithin(100);
        assertThat(transactions()).isEmpty();
    }

    @Test
    void n008AnswersOnlyAfterTheCallbackWasSent() throws Exception {
        String token = token();
        long start = System.nanoTime();
        HttpResponse<String> r = post(STK, stkPush("254708374008"), token);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(300);
        assertThat(r.statusCode()).isEqualTo(200);
        Received early = callbacks.poll();
        assertThat(early).as("callback already delivered when the answer came").isNotNull();
        assertThat(early.body().get("Body").get("stkCallback").get("CheckoutRequestID").asString())
                .isEqualTo(json(r).get("CheckoutRequestID").asString());
    }

    @Test
    void n010IsRefusedAtOnce() throws Exception {
        HttpResponse<String> r = post(STK, stkPush("254708374010"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).get("errorMessage").asString()).isEqualTo("Bad Request - Invalid PhoneNumber");
        assertNoCallbackWithin(100);
    }
}
