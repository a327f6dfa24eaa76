package dev.malipo.sandbox.daraja;

import com.sun.net.httpserver.HttpServer;
import dev.malipo.sandbox.FaultConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The emulator over real HTTP, with a real callback receiver; customers act at 1/1000 speed. */
class DarajaEmulatorTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

    private final HttpClient http = HttpClient.newHttpClient();
    private final BlockingQueue<JsonNode> callbacks = new LinkedBlockingQueue<>();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T07:00:00Z"));
    private HttpServer receiver;
    private DarajaEmulator emulator;
    private String callbackUrl;

    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/cb", ex -> {
            callbacks.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb/abc123";
        emulator = DarajaEmulator.start(DarajaEmulatorConfig.builder().speedFactor(0.001).clock(clock)
                .timeoutAfterAcceptDelay(Duration.ofMillis(300)).build());
    }

    @AfterEach
    void stop() {
        emulator.close();
        receiver.stop(0);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws Exception {
        String basic = Base64.getEncoder().encodeToString("malipo-demo-key:malipo-demo-secret".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = send(HttpRequest.newBuilder(emulator.baseUrl().resolve("/oauth/v1/generate?grant_type=client_credentials"))
                .header("Authorization", "Basic " + basic).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.get("expires_in").isString()).isTrue();
        return json.get("access_token").asString();
    }

    private HttpResponse<String> post(String path, Map<String, Object> body, String token) throws Exception {
        return send(HttpRequest.newBuilder(emulator.baseUrl().resolve(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private Map<String, Object> stk(String phone, Object amount, ZoneId zone) {
        String timestamp = TS.format(clock.instant().atZone(zone));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("BusinessShortCode", 174379);
        b.put("Password", Base64.getEncoder().encodeToString(("174379" + DarajaEmulatorConfig.DEMO_PASSKEY + timestamp).getBytes()));
        b.put("Timestamp", timestamp);
        b.put("TransactionType", "CustomerPayBillOnline");
        b.put("Amount", amount);
        b.put("PartyA", phone);
        b.put("PartyB", "174379");
        b.put("PhoneNumber", Long.parseLong(phone));
        b.put("CallBackURL", callbackUrl);
        b.put("AccountReference", "INV42");
        b.put("TransactionDesc", "A description longer than thirteen characters");
        return b;
    }

    private JsonNode nextCallback() throws InterruptedException {
        JsonNode cb = callbacks.poll(5, TimeUnit.SECONDS);
        assertThat(cb).as("callback").isNotNull();
        return cb;
    }

    @Test
    void tokenNeedsTheRightCredentialsAndExpires() throws Exception {
        String basic = Base64.getEncoder().encodeToString("malipo-demo-key:wrong".getBytes());
        HttpResponse<String> bad = send(HttpRequest.newBuilder(emulator.baseUrl().resolve("/oauth/v1/generate?grant_type=client_credentials"))
                .header("Authorization", "Basic " + basic).GET());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("400.008.01");

        String token = token();
        assertThat(post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneId.of("Africa/Nairobi")), token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(3600));
        HttpResponse<String> expired = post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneId.of("Africa/Nairobi")), token);
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(expired.body()).contains("404.001.03");
    }

    @Test
    void passwordIsCheckedAgainstTheTimestampSentInAnyZone() throws Exception {
        String token = token();
        assertThat(post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneOffset.UTC), token).statusCode()).isEqualTo(200);
        Map<String, Object> wrong = stk("254708374149", 10, ZoneOffset.UTC);
        wrong.put("Password", Base64.getEncoder().encodeToString(("174379" + "not-the-passkey" + wrong.get("Timestamp")).getBytes()));
        HttpResponse<String> r = post("/mpesa/stkpush/v1/processrequest", wrong, token);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("Wrong credentials");
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://x.example/MPESA/cb", "https://x.example/Safaricom", "https://x.example/cb?Query=1",
            "https://x.example/run.exe", "https://x.example/CMD", "https://x.example/mysql", "not a url"})
    void callbackUrlRules(String url) throws Exception {
        Map<String, Object> b = stk("254708374149", 10, ZoneOffset.UTC);
        b.put("CallBackURL", url);
        HttpResponse<String> r = post("/mpesa/stkpush/v1/processrequest", b, token());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("Invalid CallBackURL");
    }

    @ParameterizedTest
    @CsvSource({"Amount,1.5", "Amount,0", "AccountReference,ABCDEFGHIJKLM", "PhoneNumber,255712345678"})
    void fieldRules(String field, String value) throws Exception {
        Map<String, Object> b = stk("254708374149", 10, ZoneOffset.UTC);
        b.put(field, value);
        if (field.equals("PhoneNumber")) b.put("PartyA", value);
        HttpResponse<String> r = post("/mpesa/stkpush/v1/processrequest", b, token());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("400.002.02");
    }

    @ParameterizedTest
    @CsvSource({"254708374149,0", "254708374001,1032", "254708374002,1", "254708374003,2001", "254708374004,1037",
            "254708374009,0"})
    void theCustomerAnswersByCallback(String phone, int code) throws Exception {
        HttpResponse<String> r = post("/mpesa/stkpush/v1/processrequest", stk(phone, "10", ZoneOffset.UTC), token());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(r.body());
        assertThat(answer.get("ResponseCode").asString()).isEqualTo("0");
        JsonNode cb = nextCallback().get("Body").get("stkCallback");
        assertThat(cb.get("CheckoutRequestID").asString()).isEqualTo(answer.get("CheckoutRequestID").asString());
        assertThat(cb.get("ResultCode").isNumber()).isTrue();
        assertThat(cb.get("ResultCode").asInt()).isEqualTo(code);
        assertThat(cb.has("CallbackMetadata")).isEqualTo(code == 0);
    }

    @Test
    void duplicateNoneProviderErrorTimeoutAndInvalidSubscriber() throws Exception {
        String token = token();
        post("/mpesa/stkpush/v1/processrequest", stk("254708374005", 10, ZoneOffset.UTC), token);
        JsonNode first = nextCallback();
        assertThat(nextCallback()).isEqualTo(first);

        JsonNode silent = JSON.readTree(post("/mpesa/stkpush/v1/processrequest", stk("254708374006", 10, ZoneOffset.UTC), token).body());
        assertThat(callbacks.poll(300, TimeUnit.MILLISECONDS)).isNull();
        Map<String, Object> q = query(silent.get("CheckoutRequestID").asString());
        HttpResponse<String> query = post("/mpesa/stkpushquery/v1/query", q, token);
        assertThat(JSON.readTree(query.body()).get("ResultCode").asString()).isEqualTo("0");

        HttpResponse<String> error = post("/mpesa/stkpush/v1/processrequest", stk("254708374007", 10, ZoneOffset.UTC), token);
        assertThat(error.statusCode()).isEqualTo(500);
        assertThat(error.body()).contains("errorCode");

        long t0 = System.nanoTime();
        HttpResponse<String> late = post("/mpesa/stkpush/v1/processrequest", stk("254708374008", 10, ZoneOffset.UTC), token);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(late.statusCode()).isEqualTo(200);
        assertThat(nextCallback().get("Body").get("stkCallback").get("ResultCode").asInt()).isZero();

        HttpResponse<String> invalid = post("/mpesa/stkpush/v1/processrequest", stk("254708374010", 10, ZoneOffset.UTC), token);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body()).contains("Invalid PhoneNumber");
        assertThat(emulatorTransactions()).noneMatch(t -> t.get("phone").asString().equals("254708374007"));
    }

    @Test
    void queryWhileTheCustomerHasNotAnsweredAndForAnUnknownCheckout() throws Exception {
        DarajaEmulator slow = DarajaEmulator.start(DarajaEmulatorConfig.builder().speedFactor(1.0).clock(clock).build());
        try {
            String token = tokenFrom(slow);
            HttpResponse<String> r = send(HttpRequest.newBuilder(slow.baseUrl().resolve("/mpesa/stkpush/v1/processrequest"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(stk("254708374009", 10, ZoneOffset.UTC)))));
            String checkout = JSON.readTree(r.body()).get("CheckoutRequestID").asString();
            HttpResponse<String> pending = send(HttpRequest.newBuilder(slow.baseUrl().resolve("/mpesa/stkpushquery/v1/query"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(query(checkout)))));
            assertThat(pending.statusCode()).isEqualTo(500);
            assertThat(pending.body()).contains("500.001.1001").contains("being processed");

            // A second push to the same phone while the first is open: subscriber busy.
            send(HttpRequest.newBuilder(slow.baseUrl().resolve("/mpesa/stkpush/v1/processrequest"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(stk("254708374009", 10, ZoneOffset.UTC)))));
            assertThat(nextCallback().get("Body").get("stkCallback").get("ResultCode").asInt()).isEqualTo(1001);

            HttpResponse<String> unknown = send(HttpRequest.newBuilder(slow.baseUrl().resolve("/mpesa/stkpushquery/v1/query"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(query("ws_CO_nope")))));
            assertThat(unknown.statusCode()).isEqualTo(400);
        } finally {
            slow.close();
        }
    }

    @Test
    void b2cPaysOncePerOriginatorConversationId() throws Exception {
        String token = token();
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("OriginatorConversationID", "po_test_1");
        b.put("InitiatorName", "testapi");
        b.put("SecurityCredential", "c2VjcmV0");
        b.put("CommandID", "BusinessPayment");
        b.put("Amount", 250);
        b.put("PartyA", "174379");
        b.put("PartyB", "254708374149");
        b.put("Remarks", "Refund");
        b.put("QueueTimeOutURL", callbackUrl + "/timeout");
        b.put("ResultURL", callbackUrl);
        b.put("Occassion", "");
        JsonNode first = JSON.readTree(post("/mpesa/b2c/v3/paymentrequest", b, token).body());
        JsonNode again = JSON.readTree(post("/mpesa/b2c/v3/paymentrequest", b, token).body());
        assertThat(again).isEqualTo(first);
        JsonNode result = nextCallback().get("Result");
        assertThat(result.get("ResultCode").asInt()).isZero();
        assertThat(result.get("OriginatorConversationID").asString()).isEqualTo("po_test_1");
        assertThat(callbacks.poll(200, TimeUnit.MILLISECONDS)).isNull();

        b.put("OriginatorConversationID", "po_test_2");
        b.put("PartyB", "254708374002");
        assertThat(post("/mpesa/b2c/v1/paymentrequest", b, token).statusCode()).isEqualTo(200);
        assertThat(nextCallback().get("Result").get("ResultCode").asInt()).isEqualTo(1);

        // Transaction Status names the first payout by its OriginatorConversationID.
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("Initiator", "testapi");
        q.put("SecurityCredential", "c2VjcmV0");
        q.put("CommandID", "TransactionStatusQuery");
        q.put("OriginatorConversationID", "po_test_1-status-1");
        q.put("OriginalConversationID", "po_test_1");
        q.put("PartyA", "174379");
        q.put("IdentifierType", "4");
        q.put("ResultURL", callbackUrl);
        q.put("QueueTimeOutURL", callbackUrl);
        assertThat(post("/mpesa/transactionstatus/v1/query", q, token).statusCode()).isEqualTo(200);
        JsonNode status = nextCallback().get("Result");
        assertThat(status.get("OriginatorConversationID").asString()).isEqualTo("po_test_1-status-1");
        assertThat(status.get("ResultParameters").toString()).contains("Completed").contains(result.get("TransactionID").asString());
    }

    @Test
    void faultsAreInjectedAndSetThroughTheAdminEndpoint() throws Exception {
        String token = token();
        HttpResponse<String> set = send(HttpRequest.newBuilder(emulator.baseUrl().resolve("/sandbox/admin/faults"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"error_rate\":1.0}")));
        assertThat(set.statusCode()).isEqualTo(200);
        HttpResponse<String> r = post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneOffset.UTC), token);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).isEmpty();

        emulator.setFaults(new FaultConfig(0, 0, 0, 0, 1.0));
        assertThat(post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneOffset.UTC), token).statusCode()).isEqualTo(200);
        assertThat(callbacks.poll(300, TimeUnit.MILLISECONDS)).as("dropped callback").isNull();

        emulator.setFaults(new FaultConfig(0, 0, 1.0, 0, 0));
        assertThat(post("/mpesa/stkpush/v1/processrequest", stk("254708374149", 10, ZoneOffset.UTC), token).statusCode()).isEqualTo(429);
        HttpResponse<String> view = send(HttpRequest.newBuilder(emulator.baseUrl().resolve("/sandbox/admin/faults")).GET());
        assertThat(JSON.readTree(view.body()).get("rate_limit_rate").asDouble()).isEqualTo(1.0);
    }

    @Test
    void instantModeCallsBackBeforeAnswering() throws Exception {
        DarajaEmulator instant = DarajaEmulator.start(DarajaEmulatorConfig.builder().instant(true).clock(clock).build());
        try {
            String token = tokenFrom(instant);
            HttpResponse<String> r = send(HttpRequest.newBuilder(instant.baseUrl().resolve("/mpesa/stkpush/v1/processrequest"))
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(stk("254708374149", 10, ZoneOffset.UTC)))));
            assertThat(r.statusCode()).isEqualTo(200);
            // The callback is already there when the answer arrives.
            assertThat(callbacks.poll()).isNotNull();
        } finally {
            instant.close();
        }
    }

    private Map<String, Object> query(String checkoutId) {
        String timestamp = TS.format(clock.instant().atZone(ZoneOffset.UTC));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("BusinessShortCode", "174379");
        q.put("Password", Base64.getEncoder().encodeToString(("174379" + DarajaEmulatorConfig.DEMO_PASSKEY + timestamp).getBytes()));
        q.put("Timestamp", timestamp);
        q.put("CheckoutRequestID", checkoutId);
        return q;
    }

    private String tokenFrom(DarajaEmulator e) throws Exception {
        String basic = Base64.getEncoder().encodeToString("malipo-demo-key:malipo-demo-secret".getBytes());
        return JSON.readTree(send(HttpRequest.newBuilder(e.baseUrl().resolve("/oauth/v1/generate?grant_type=client_credentials"))
                .header("Authorization", "Basic " + basic).GET()).body()).get("access_token").asString();
    }

    private java.util.List<JsonNode> emulatorTransactions() throws Exception {
        JsonNode all = JSON.readTree(send(HttpRequest.newBuilder(emulator.baseUrl().resolve("/sandbox/admin/transactions")).GET()).body());
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        all.forEach(out::add);
        return out;
    }
}
