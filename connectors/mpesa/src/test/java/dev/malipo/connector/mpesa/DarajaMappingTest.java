package dev.malipo.connector.mpesa;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.http.ProviderHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every Daraja answer and callback shape → Outcome, from fixtures and the result-code catalogue. */
class DarajaMappingTest {

    private static ProviderHttp.Exchange answered(int status, String body) {
        return new ProviderHttp.Exchange.Answered(status, HttpHeaders.of(Map.of(), (a, b) -> true), body);
    }

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = DarajaMappingTest.class.getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    /** Every catalogued code, in both its callback (number) and query (string) form. */
    @ParameterizedTest(name = "ResultCode {0} → {1}")
    @CsvSource({"1,insufficient_funds,true", "17,provider_busy,true", "26,provider_busy,true", "1001,subscriber_busy,true",
            "1019,expired,true", "1025,push_not_sent,true", "9999,push_not_sent,true", "1032,cancelled_by_customer,true",
            "1037,customer_unreachable,true", "2001,wrong_pin,true", "SFC_IC0003,invalid_configuration,false"})
    void everyCataloguedCodeIsADefiniteFailure(String code, String failureCode, boolean retryable) throws Exception {
        String codeJson = code.matches("\\d+") ? code : "\"" + code + "\"";
        CallbackEvent event = MpesaCallbackParser.parse(Map.of(), ("{\"Body\":{\"stkCallback\":{\"CheckoutRequestID\":\"ws_CO_1\","
                + "\"ResultCode\":" + codeJson + ",\"ResultDesc\":\"desc\"}}}").getBytes());
        assertThat(event.outcome()).isInstanceOfSatisfying(Outcome.Declined.class, d -> {
            assertThat(d.reason().code()).isEqualTo(failureCode);
            assertThat(d.reason().retryable()).isEqualTo(retryable);
            assertThat(d.reason().providerCode()).isEqualTo(code);
            assertThat(d.reason().customerMessage()).isNotBlank();
        });
        Outcome query = DarajaMapping.stkQuery(answered(200, "{\"ResponseCode\":\"0\",\"ResultCode\":\"" + code
                + "\",\"ResultDesc\":\"desc\"}"), "ws_CO_1");
        assertThat(query).isInstanceOfSatisfying(Outcome.Declined.class, d -> assertThat(d.reason().code()).isEqualTo(failureCode));
    }

    @Test
    void stkCallbacks() throws Exception {
        CallbackEvent ok = MpesaCallbackParser.parse(Map.of(), fixture("stk-success.json"));
        assertThat(ok.kind()).isEqualTo(TransactionKind.COLLECTION);
        assertThat(ok.providerReference()).isEqualTo("ws_CO_191220191020363925");
        assertThat(ok.confirmBeforeTrusting()).isTrue();
        assertThat(ok.outcome()).isInstanceOfSatisfying(Outcome.Succeeded.class, s -> {
            assertThat(s.receipt()).isEqualTo("NLJ7RT61SV");
            assertThat(s.details()).containsEntry("phone", "254708374149");
        });
        // The same callback twice has the same dedupe key.
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("stk-success.json")).dedupeKey()).isEqualTo(ok.dedupeKey());
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("stk-success-without-receipt.json")).outcome())
                .isInstanceOf(Outcome.Unknown.class);
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("stk-cancelled.json")).outcome())
                .isInstanceOfSatisfying(Outcome.Declined.class, d -> assertThat(d.reason().code()).isEqualTo("cancelled_by_customer"));
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("stk-unmapped.json")).outcome()).isInstanceOf(Outcome.Unknown.class);
    }

    @Test
    void b2cResultsAndQueueTimeouts() throws Exception {
        CallbackEvent ok = MpesaCallbackParser.parse(Map.of(), fixture("b2c-success.json"));
        assertThat(ok.kind()).isEqualTo(TransactionKind.PAYOUT);
        assertThat(ok.attemptId()).isEqualTo("po_abc");
        assertThat(ok.outcome()).isInstanceOfSatisfying(Outcome.Succeeded.class, s -> assertThat(s.receipt()).isEqualTo("NLJ41HAY6Q"));
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("b2c-insufficient.json")).outcome())
                .isInstanceOfSatisfying(Outcome.Declined.class, d -> assertThat(d.reason().code()).isEqualTo("insufficient_funds"));
        CallbackEvent timeout = MpesaCallbackParser.parse(Map.of(MpesaCallbackParser.CHANNEL_HEADER, List.of("timeout")),
                fixture("b2c-queue-timeout.json"));
        assertThat(timeout.outcome()).isInstanceOf(Outcome.Pending.class);
        assertThat(timeout.dedupeKey()).isNotEqualTo(ok.dedupeKey());
    }

    @ParameterizedTest(name = "status result {0}/{1} → {2}")
    @CsvSource({"0,Completed,Succeeded", "0,Failed,Declined", "0,Pending,Pending", "2032,,Pending"})
    void transactionStatusResultsAreTheProvidersOwnAnswer(int code, String status, String outcome) throws Exception {
        String params = status == null ? "" : ",\"ResultParameters\":{\"ResultParameter\":[{\"Key\":\"TransactionStatus\",\"Value\":\""
                + status + "\"},{\"Key\":\"ReceiptNo\",\"Value\":\"NLJ41HAY6Q\"}]}";
        String body = "{\"Result\":{\"ResultType\":0,\"ResultCode\":" + code + ",\"ResultDesc\":\"d\","
                + "\"OriginatorConversationID\":\"" + MpesaCallbackParser.statusQueryId("po_abc", 7) + "\",\"ConversationID\":\"AG_1\""
                + params + "}}";
        CallbackEvent e = MpesaCallbackParser.parse(Map.of(), body.getBytes());
        assertThat(e.providerReference()).isEqualTo("po_abc");
        assertThat(e.confirmBeforeTrusting()).isFalse();
        assertThat(e.outcome().getClass().getSimpleName()).isEqualTo(outcome);
    }

    @Test
    void malformedCallbacksAreRejected() {
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "not json".getBytes())).isInstanceOf(CallbackRejectedException.class);
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "{\"foo\":1}".getBytes())).isInstanceOf(CallbackRejectedException.class);
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "{\"Body\":{\"stkCallback\":{\"ResultCode\":0}}}".getBytes()))
                .isInstanceOf(CallbackRejectedException.class);
    }

    @Test
    void queryAnswers() {
        assertThat(DarajaMapping.stkQuery(answered(200, "{\"ResponseCode\":\"0\",\"ResultCode\":\"0\",\"ResultDesc\":\"ok\"}"), "ws_CO_1"))
                .isInstanceOf(Outcome.Succeeded.class);
        assertThat(DarajaMapping.stkQuery(answered(500, "{\"requestId\":\"x\",\"errorCode\":\"500.001.1001\",\"errorMessage\":\"The transaction is being processed\"}"), "ws_CO_1"))
                .isInstanceOf(Outcome.Pending.class);
        assertThat(DarajaMapping.stkQuery(answered(200, "{\"ResponseCode\":\"0\",\"ResultCode\":\"4999\",\"ResultDesc\":\"still under processing\"}"), "ws_CO_1"))
                .isInstanceOf(Outcome.Pending.class);
        assertThat(DarajaMapping.stkQuery(answered(500, ""), "ws_CO_1")).isInstanceOf(Outcome.Unknown.class);
        assertThat(DarajaMapping.stkQuery(answered(200, "{\"ResponseCode\":\"0\",\"ResultCode\":\"777\"}"), "ws_CO_1"))
                .isInstanceOf(Outcome.Unknown.class);
    }

    @ParameterizedTest(name = "HTTP {0} {1} → {2}")
    @CsvSource(delimiter = '|', textBlock = """
            200 | {"MerchantRequestID":"1","CheckoutRequestID":"ws_CO_9","ResponseCode":"0","ResponseDescription":"Success"} | Pending  |
            400 | {"requestId":"r","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid PhoneNumber"}            | Declined | invalid_subscriber
            400 | {"requestId":"r","errorCode":"400.002.02","errorMessage":"Bad Request - Invalid Amount"}                 | Declined | invalid_request
            404 | {"requestId":"r","errorCode":"404.001.03","errorMessage":"Invalid Access Token"}                         | Declined | invalid_request
            429 | {"requestId":"r","errorCode":"429.001.01","errorMessage":"Too many requests"}                            | Declined | rate_limited
            500 | {"requestId":"r","errorCode":"500.003.02","errorMessage":"Spike arrest violation"}                       | Declined | rate_limited
            500 | {"requestId":"r","errorCode":"500.003.1001","errorMessage":"Internal Server Error"}                      | Declined | provider_error
            500 | {"requestId":"r","errorCode":"500.001.1001","errorMessage":"Wrong credentials"}                          | Declined | invalid_configuration
            500 |                                                                                                         | Unknown  |
            502 | <html>bad gateway</html>                                                                                | Unknown  |
            200 | {"ResponseCode":"77","ResponseDescription":"new"}                                                       | Unknown  |
            """)
    void initiationAnswers(int status, String body, String outcome, String failureCode) {
        Outcome o = DarajaMapping.initiation(answered(status, body == null ? "" : body), "CheckoutRequestID", null);
        assertThat(o.getClass().getSimpleName()).isEqualTo(outcome);
        if (failureCode != null) {
            assertThat(((Outcome.Declined) o).reason().code()).isEqualTo(failureCode);
        }
        if (o instanceof Outcome.Pending p) {
            assertThat(p.providerReference()).isEqualTo("ws_CO_9");
        }
    }
}
