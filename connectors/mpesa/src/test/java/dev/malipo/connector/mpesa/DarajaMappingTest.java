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

    private static String text(String name) throws IOException {
        return new String(fixture(name), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The catalogue as the README documents it; adding a code without a row here fails {@link #everyCataloguedCodeHasAFixtureAndARow}. */
    private static final Map<String, String> EXPECTED = Map.ofEntries(Map.entry("1", "insufficient_funds,true"),
            Map.entry("17", "provider_busy,true"), Map.entry("26", "provider_busy,true"), Map.entry("1001", "subscriber_busy,true"),
            Map.entry("1019", "expired,true"), Map.entry("1025", "push_not_sent,true"), Map.entry("9999", "push_not_sent,true"),
            Map.entry("1032", "cancelled_by_customer,true"), Map.entry("1037", "customer_unreachable,true"),
            Map.entry("2001", "wrong_pin,true"), Map.entry("SFC_IC0003", "invalid_configuration,false"));

    @Test
    void everyCataloguedCodeHasAFixtureAndARow() {
        assertThat(EXPECTED.keySet()).containsExactlyInAnyOrderElementsOf(ResultCodeCatalogue.codes());
        for (String code : ResultCodeCatalogue.codes()) {
            assertThat(DarajaMappingTest.class.getResource("/fixtures/codes/callback-" + code + ".json")).as(code).isNotNull();
            assertThat(DarajaMappingTest.class.getResource("/fixtures/codes/query-" + code + ".json")).as(code).isNotNull();
        }
    }

    /** Every catalogued code, in both its callback (number) and query (string) form, from fixtures. */
    @ParameterizedTest(name = "ResultCode {0} → {1}")
    @CsvSource({"1,insufficient_funds,true", "17,provider_busy,true", "26,provider_busy,true", "1001,subscriber_busy,true",
            "1019,expired,true", "1025,push_not_sent,true", "9999,push_not_sent,true", "1032,cancelled_by_customer,true",
            "1037,customer_unreachable,true", "2001,wrong_pin,true", "SFC_IC0003,invalid_configuration,false"})
    void everyCataloguedCodeIsADefiniteFailure(String code, String failureCode, boolean retryable) throws Exception {
        assertThat(EXPECTED).containsEntry(code, failureCode + "," + retryable);
        CallbackEvent event = MpesaCallbackParser.parse(Map.of(), fixture("codes/callback-" + code + ".json"));
        assertThat(event.dedupeKey()).isEqualTo("stk:ws_CO_191220191020363925");
        assertThat(event.confirmBeforeTrusting()).isTrue();
        assertThat(event.outcome()).isInstanceOfSatisfying(Outcome.Declined.class, d -> {
            assertThat(d.reason().code()).isEqualTo(failureCode);
            assertThat(d.reason().retryable()).isEqualTo(retryable);
            assertThat(d.reason().providerCode()).isEqualTo(code);
            assertThat(d.reason().customerMessage()).isNotBlank();
            assertThat(d.reason().providerMessage()).isNotBlank();
        });
        Outcome query = DarajaMapping.stkQuery(answered(200, text("codes/query-" + code + ".json")), "ws_CO_191220191020363925");
        assertThat(query).isInstanceOfSatisfying(Outcome.Declined.class, d -> {
            assertThat(d.reason().code()).isEqualTo(failureCode);
            assertThat(d.reason().retryable()).isEqualTo(retryable);
        });
    }

    /** The same codes in a B2C result (a number there too). */
    @ParameterizedTest
    @CsvSource({"1,insufficient_funds", "2001,wrong_pin", "17,provider_busy"})
    void b2cResultCodesUseTheSameCatalogue(String code, String failureCode) throws Exception {
        String body = "{\"Result\":{\"ResultType\":0,\"ResultCode\":" + code + ",\"ResultDesc\":\"d\","
                + "\"OriginatorConversationID\":\"po_abc\",\"ConversationID\":\"AG_1\"}}";
        CallbackEvent e = MpesaCallbackParser.parse(Map.of(), body.getBytes());
        assertThat(e.dedupeKey()).isEqualTo("b2c:po_abc:" + code);
        assertThat(e.outcome()).isInstanceOfSatisfying(Outcome.Declined.class, d -> assertThat(d.reason().code()).isEqualTo(failureCode));
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
        // Header names arrive in any case from an HTTP server; the gateway's word wins over the body.
        assertThat(MpesaCallbackParser.parse(Map.of("X-Malipo-Callback-Channel", List.of("timeout")), fixture("b2c-success.json"))
                .outcome()).isInstanceOf(Outcome.Pending.class);
        // Without a header (one URL for both), ResultType 1 is a queue timeout: pending, not "insufficient funds" (code 1).
        assertThat(MpesaCallbackParser.parse(Map.of(), fixture("b2c-queue-timeout.json")).outcome()).isInstanceOf(Outcome.Pending.class);
        assertThat(MpesaCallbackParser.parse(Map.of("x-malipo-callback-channel", List.of("result")), fixture("b2c-success.json"))
                .outcome()).isInstanceOf(Outcome.Succeeded.class);
    }

    @ParameterizedTest(name = "status result {0}/{1} → {2}")
    @CsvSource({"0,Completed,Succeeded", "0,Failed,Declined", "0,Pending,Pending", "2032,,Pending"})
    void transactionStatusResultsAreTheProvidersOwnAnswer(int code, String status, String outcome) throws Exception {
        String params = status == null ? "" : ",\"ResultParameters\":{\"ResultParameter\":[{\"Key\":\"TransactionStatus\",\"Value\":\""
                + status + "\"},{\"Key\":\"ReceiptNo\",\"Value\":\"NLJ41HAY6Q\"}]}";
        String body = statusResult(MpesaCallbackParser.statusQueryId("po_abc", 7, "secret"), code, params);
        CallbackEvent e = MpesaCallbackParser.parse(Map.of(), body.getBytes(), "secret");
        assertThat(e.providerReference()).isEqualTo("po_abc");
        assertThat(e.attemptId()).isEqualTo("po_abc");
        assertThat(e.confirmBeforeTrusting()).isFalse();
        assertThat(e.outcome().getClass().getSimpleName()).isEqualTo(outcome);
    }

    private static String statusResult(String queryId, int code, String params) {
        return "{\"Result\":{\"ResultType\":0,\"ResultCode\":" + code + ",\"ResultDesc\":\"d\","
                + "\"OriginatorConversationID\":\"" + queryId + "\",\"ConversationID\":\"AG_1\"" + params + "}}";
    }

    /** A status answer settles a payout unconfirmed, so one we did not ask for (forged or another key's) is refused. */
    @Test
    void statusResultsWeDidNotAskForAreRejected() {
        String failed = ",\"ResultParameters\":{\"ResultParameter\":[{\"Key\":\"TransactionStatus\",\"Value\":\"Failed\"}]}";
        String genuine = MpesaCallbackParser.statusQueryId("po_abc", 7, "secret");
        assertThat(genuine).startsWith("po_abc-status-").hasSizeLessThan(50);
        String forgedTag = genuine.substring(0, genuine.lastIndexOf('-') + 1) + "0123456789abcdef";
        for (String id : List.of("po_abc-status-7", forgedTag, MpesaCallbackParser.statusQueryId("po_abc", 7, "other-secret"))) {
            assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), statusResult(id, 0, failed).getBytes(), "secret"))
                    .as(id).isInstanceOf(CallbackRejectedException.class);
        }
        // Without the account's key nothing can vouch for it either.
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), statusResult(genuine, 0, failed).getBytes()))
                .isInstanceOf(CallbackRejectedException.class);
    }

    @Test
    void malformedCallbacksAreRejected() {
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "not json".getBytes())).isInstanceOf(CallbackRejectedException.class);
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "{\"foo\":1}".getBytes())).isInstanceOf(CallbackRejectedException.class);
        assertThatThrownBy(() -> MpesaCallbackParser.parse(Map.of(), "{\"Body\":{\"stkCallback\":{\"ResultCode\":0}}}".getBytes()))
                .isInstanceOf(CallbackRejectedException.class);
    }

    @ParameterizedTest(name = "query {0} → {1}")
    @CsvSource({"200,answers/query-success.json,Succeeded", "200,answers/query-4999.json,Pending",
            "500,answers/envelope-500.001.1001-processing.json,Pending", "200,answers/query-unmapped.json,Unknown",
            "500,answers/html-502.txt,Unknown", "503,answers/envelope-500-internal.json,Unknown",
            "404,answers/envelope-404-invalid-token.json,Unknown"})
    void queryAnswersFromFixtures(int status, String file, String outcome) throws Exception {
        Outcome o = DarajaMapping.stkQuery(answered(status, text(file)), "ws_CO_13012021093521236557");
        assertThat(o.getClass().getSimpleName()).isEqualTo(outcome);
        assertThat(o.providerReference()).isEqualTo("ws_CO_13012021093521236557");
        if (o instanceof Outcome.Succeeded s) {
            assertThat(s.receipt()).as("the query answer carries no receipt").isNull();
        }
    }

    @ParameterizedTest(name = "initiation HTTP {0} {1} → {2} {3}")
    @CsvSource({"200,answers/stkpush-accepted.json,Pending,,", "400,answers/envelope-400-invalid-phone.json,Declined,invalid_subscriber,false",
            "400,answers/envelope-400-bad-request.json,Declined,invalid_request,false",
            "404,answers/envelope-404-invalid-token.json,Declined,invalid_request,false",
            "429,answers/envelope-429.json,Declined,rate_limited,true",
            "500,answers/envelope-500.003.02-spike-arrest.json,Declined,rate_limited,true",
            "500,answers/envelope-500.003.03-quota.json,Declined,rate_limited,true",
            "500,answers/envelope-500-internal.json,Declined,provider_error,true",
            "502,answers/html-502.txt,Unknown,,"})
    void initiationAnswersFromFixtures(int status, String file, String outcome, String failureCode, Boolean retryable) throws Exception {
        Outcome o = DarajaMapping.initiation(answered(status, text(file)), "CheckoutRequestID", null);
        assertThat(o.getClass().getSimpleName()).isEqualTo(outcome);
        if (o instanceof Outcome.Declined d) {
            assertThat(d.reason().code()).isEqualTo(failureCode);
            assertThat(d.reason().retryable()).isEqualTo(retryable);
        }
        if (o instanceof Outcome.Pending p) {
            assertThat(p.providerReference()).isEqualTo("ws_CO_191220191020363925");
        }
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
