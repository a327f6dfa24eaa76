package dev.malipo.sandbox.daraja;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An emulator whose customers answer at once (speed 0), a real callback receiver, and a client
 * that speaks Daraja. Tests wait on the receiver's queue, never on a sleep.
 */
abstract class DarajaTestBase {
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    static final ZoneId NAIROBI = ZoneId.of("Africa/Nairobi");
    static final String STK = "/mpesa/stkpush/v1/processrequest";
    static final String STK_QUERY = "/mpesa/stkpushquery/v1/query";
    static final String OK_PHONE = "254708374149";

    /** A callback as the merchant's server saw it. */
    record Received(String path, JsonNode body) {
    }

    final HttpClient http = HttpClient.newHttpClient();
    final BlockingQueue<Received> callbacks = new LinkedBlockingQueue<>();
    final MutableClock clock = new MutableClock(Instant.parse("2026-11-24T07:00:00Z"));
    HttpServer receiver;
    DarajaEmulator emulator;
    String callbackUrl;

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

    /** Subclasses change the emulator here; the default is speed 0 and a 300 ms hold for 008. */
    DarajaEmulatorConfig.Builder config() {
        return DarajaEmulatorConfig.builder().speedFactor(0).clock(clock).timeoutAfterAcceptDelay(Duration.ofMillis(300));
    }

    @BeforeEach
    void startEmulatorAndReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/cb", ex -> {
            callbacks.add(new Received(ex.getRequestURI().getPath(), JSON.readTree(ex.getRequestBody().readAllBytes())));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        callbackUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/cb/Xk29fQ";
        emulator = DarajaEmulator.start(config().build());
    }

    @AfterEach
    void stopEmulatorAndReceiver() {
        emulator.close();
        receiver.stop(0);
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> tokenResponse(String basicCredentials, String query) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(emulator.baseUrl().resolve("/oauth/v1/generate" + query)).GET();
        if (basicCredentials != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basicCredentials.getBytes(StandardCharsets.UTF_8)));
        }
        return send(b);
    }

    String token() throws Exception {
        HttpResponse<String> r = tokenResponse("malipo-demo-key:malipo-demo-secret", "?grant_type=client_credentials");
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body()).get("access_token").asString();
    }

    HttpResponse<String> post(String path, Map<String, Object> body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(emulator.baseUrl().resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return send(b);
    }

    HttpResponse<String> post(String path, Map<String, Object> body) throws Exception {
        return post(path, body, token());
    }

    HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(emulator.baseUrl().resolve(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)));
    }

    static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }

    /** An STK push as Safaricom's docs show it, but with the kinds of values real clients send. */
    Map<String, Object> stkPush(String phone) {
        return stkPush(phone, NAIROBI);
    }

    Map<String, Object> stkPush(String phone, ZoneId timestampZone) {
        String timestamp = TS.format(clock.instant().atZone(timestampZone));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("BusinessShortCode", 174379); // a number, as some clients send it
        b.put("Password", DarajaPassword.of("174379", DarajaEmulatorConfig.DEMO_PASSKEY, timestamp));
        b.put("Timestamp", timestamp);
        b.put("TransactionType", "CustomerPayBillOnline");
        b.put("Amount", "10");
        b.put("PartyA", phone);
        b.put("PartyB", "174379");
        b.put("PhoneNumber", Long.parseLong(phone));
        b.put("CallBackURL", callbackUrl);
        b.put("AccountReference", "INV42");
        b.put("TransactionDesc", "Payment of order 42 at the shop");
        return b;
    }

    Map<String, Object> stkQuery(String checkoutRequestId) {
        String timestamp = TS.format(clock.instant().atZone(ZoneOffset.UTC));
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("BusinessShortCode", "174379");
        q.put("Password", DarajaPassword.of("174379", DarajaEmulatorConfig.DEMO_PASSKEY, timestamp));
        q.put("Timestamp", timestamp);
        q.put("CheckoutRequestID", checkoutRequestId);
        return q;
    }

    Map<String, Object> b2c(String originatorId, String partyB) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (originatorId != null) b.put("OriginatorConversationID", originatorId);
        b.put("InitiatorName", "testapi");
        b.put("SecurityCredential", "c2VjcmV0LWVuY3J5cHRlZA==");
        b.put("CommandID", "BusinessPayment");
        b.put("Amount", 250);
        b.put("PartyA", 600996);
        b.put("PartyB", partyB);
        b.put("Remarks", "Refund");
        b.put("QueueTimeOutURL", callbackUrl + "/timeout");
        b.put("ResultURL", callbackUrl + "/result");
        b.put("Occassion", "");
        return b;
    }

    Received nextCallback() throws InterruptedException {
        Received cb = callbacks.poll(5, TimeUnit.SECONDS);
        assertThat(cb).as("a callback within 5 s").isNotNull();
        return cb;
    }

    JsonNode nextStkCallback() throws InterruptedException {
        return nextCallback().body().get("Body").get("stkCallback");
    }

    /** Short on purpose: with speed 0 a callback that is coming arrives in milliseconds. */
    void assertNoCallbackWithin(long millis) throws InterruptedException {
        assertThat(callbacks.poll(millis, TimeUnit.MILLISECONDS)).as("no callback").isNull();
    }

    List<JsonNode> transactions() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        json(admin("GET", "/sandbox/admin/transactions", null)).forEach(out::add);
        return out;
    }

    static URI uri(String s) {
        return URI.create(s);
    }
}
