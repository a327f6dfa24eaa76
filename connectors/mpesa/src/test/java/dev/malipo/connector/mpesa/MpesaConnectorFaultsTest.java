package dev.malipo.connector.mpesa;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.InMemoryTokenCache;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.ProviderRuleException;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Msisdn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The connector against a stub Daraja over real HTTP, one fault at a time. */
class MpesaConnectorFaultsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T07:30:00Z"), ZoneOffset.UTC);

    private HttpServer server;
    private final AtomicInteger tokenRequests = new AtomicInteger();
    private final List<JsonNode> pushes = new CopyOnWriteArrayList<>();
    private final AtomicReference<Responder> stk = new AtomicReference<>();
    private volatile int tokenStatus = 200;
    private final Map<String, JsonNode> others = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile int otherStatus = 200;
    private volatile String otherBody = "{\"ConversationID\":\"AG_1\",\"OriginatorConversationID\":\"$ID\",\"ResponseCode\":\"0\"}";

    interface Responder {
        void respond(HttpExchange ex) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/oauth/v1/generate", ex -> {
            tokenRequests.incrementAndGet();
            reply(ex, tokenStatus, "{\"access_token\":\"tok" + tokenRequests.get() + "\",\"expires_in\":\"3599\"}");
        });
        server.createContext("/mpesa/stkpush/v1/processrequest", ex -> {
            pushes.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            stk.get().respond(ex);
        });
        for (String path : List.of("/mpesa/b2c/v3/paymentrequest", "/mpesa/stkpushquery/v1/query", "/mpesa/transactionstatus/v1/query")) {
            server.createContext(path, ex -> {
                JsonNode sent = JSON.readTree(ex.getRequestBody().readAllBytes());
                others.put(path, sent);
                String id = sent.path("OriginatorConversationID").asString("");
                reply(ex, otherStatus, otherBody.replace("$ID", id));
            });
        }
        server.start();
        stk.set(ex -> reply(ex, 200, "{\"MerchantRequestID\":\"1\",\"CheckoutRequestID\":\"ws_CO_1\",\"ResponseCode\":\"0\"}"));
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
        ex.close();
    }

    private MpesaConnector connector(URI base) {
        return new MpesaConnector(new ConnectorConfig("acct-1", base, Map.of("consumer-key", "key", "consumer-secret", "secret",
                "short-code", "174379", "passkey", "pk", "initiator-name", "testapi", "security-credential", "c2VjcmV0"),
                Duration.ofMillis(300), Duration.ofMillis(300), CLOCK, new InMemoryTokenCache()));
    }

    @Test
    void payoutSendsOurIdAsTheHandleAndWholeShillings() {
        URI result = URI.create("https://gateway.example/callbacks/abcd/result");
        Outcome o = connector(base()).payout(new PayoutRequest("po_1", Money.of("250", "KES"), Msisdn.parse("0708374149", null),
                null, "Refund", result, null));
        assertThat(o).isInstanceOfSatisfying(Outcome.Pending.class, p -> assertThat(p.providerReference()).isEqualTo("po_1"));
        JsonNode sent = others.get("/mpesa/b2c/v3/paymentrequest");
        assertThat(sent.get("OriginatorConversationID").asString()).isEqualTo("po_1");
        assertThat(sent.get("Amount").isIntegralNumber()).isTrue();
        assertThat(sent.get("Amount").asLong()).isEqualTo(250);
        assertThat(sent.get("PartyA").asString()).isEqualTo("174379");
        assertThat(sent.get("PartyB").asString()).isEqualTo("254708374149");
        assertThat(sent.get("CommandID").asString()).isEqualTo("BusinessPayment");
        assertThat(sent.get("Remarks").asString()).isEqualTo("Payout");
        assertThat(sent.get("QueueTimeOutURL").asString()).isEqualTo(result.toString());
        assertThat(sent.get("ResultURL").asString()).isEqualTo(result.toString());
    }

    @Test
    void stkQueryOverHttp() {
        MpesaConnector c = connector(base());
        assertThat(c.queryStatus(new StatusQuery(TransactionKind.COLLECTION, "pay_1", null))).isInstanceOf(Outcome.Unknown.class);
        otherStatus = 500;
        otherBody = "{\"requestId\":\"r\",\"errorCode\":\"500.001.1001\",\"errorMessage\":\"The transaction is being processed\"}";
        assertThat(c.queryStatus(new StatusQuery(TransactionKind.COLLECTION, "pay_1", "ws_CO_1"))).isInstanceOf(Outcome.Pending.class);
        JsonNode sent = others.get("/mpesa/stkpushquery/v1/query");
        assertThat(sent.get("CheckoutRequestID").asString()).isEqualTo("ws_CO_1");
        assertThat(new String(Base64.getDecoder().decode(sent.get("Password").asString())))
                .isEqualTo("174379pk" + sent.get("Timestamp").asString());
        otherStatus = 200;
        otherBody = "{\"ResponseCode\":\"0\",\"ResultCode\":\"1032\",\"ResultDesc\":\"Request cancelled by user\"}";
        assertThat(c.queryStatus(new StatusQuery(TransactionKind.COLLECTION, "pay_1", "ws_CO_1")))
                .isInstanceOfSatisfying(Outcome.Declined.class, d -> assertThat(d.reason().code()).isEqualTo("cancelled_by_customer"));
    }

    @Test
    void payoutStatusQueryAnswerIsAcceptedOnlyWhenWeAsked() throws Exception {
        MpesaConnector c = connector(base());
        URI result = URI.create("https://gateway.example/callbacks/abcd/result");
        assertThat(c.queryStatus(new StatusQuery(TransactionKind.PAYOUT, "po_1", "po_1", result))).isInstanceOfSatisfying(
                Outcome.Pending.class, p -> assertThat(p.providerReference()).isEqualTo("po_1"));
        JsonNode sent = others.get("/mpesa/transactionstatus/v1/query");
        assertThat(sent.get("OriginalConversationID").asString()).isEqualTo("po_1");
        String queryId = sent.get("OriginatorConversationID").asString();
        String answer = "{\"Result\":{\"ResultType\":0,\"ResultCode\":0,\"ResultDesc\":\"ok\",\"OriginatorConversationID\":\""
                + queryId + "\",\"ResultParameters\":{\"ResultParameter\":[{\"Key\":\"TransactionStatus\",\"Value\":\"Completed\"},"
                + "{\"Key\":\"ReceiptNo\",\"Value\":\"NLJ41HAY6Q\"}]}}}";
        assertThat(c.parseCallback(Map.of(), answer.getBytes()).outcome()).isInstanceOfSatisfying(Outcome.Succeeded.class,
                s -> assertThat(s.receipt()).isEqualTo("NLJ41HAY6Q"));
        // Another account (another consumer secret) did not ask this question.
        MpesaConnector other = new MpesaConnector(new ConnectorConfig("acct-2", base(), Map.of("consumer-key", "key2",
                "consumer-secret", "secret2", "short-code", "174379", "passkey", "pk"), null, null, CLOCK, null));
        assertThatThrownBy(() -> other.parseCallback(Map.of(), answer.getBytes())).isInstanceOf(CallbackRejectedException.class);
    }

    @Test
    void payoutsNeedAnInitiator() {
        MpesaConnector noB2c = new MpesaConnector(new ConnectorConfig("acct-3", base(), Map.of("consumer-key", "k",
                "consumer-secret", "s", "short-code", "174379", "passkey", "pk"), null, null, CLOCK, null));
        assertThatThrownBy(() -> noB2c.payout(new PayoutRequest("po_2", Money.of("10", "KES"), Msisdn.parse("0708374149", null),
                null, null, URI.create("https://gateway.example/r"), null)))
                .isInstanceOfSatisfying(ProviderRuleException.class, e -> assertThat(e.code()).isEqualTo("payouts_not_configured"));
        assertThat(tokenRequests).hasValue(0);
    }

    @Test
    void collectRulesAreCheckedBeforeSending() {
        MpesaConnector c = connector(base());
        assertThatThrownBy(() -> c.collect(new CollectRequest("pay_1", Money.of("100", "KES"), Msisdn.parse("0708374149", null),
                "THIRTEEN-CHAR", "Order", URI.create("https://gateway.example/cb"))))
                .isInstanceOfSatisfying(ProviderRuleException.class, e -> assertThat(e.field()).isEqualTo("reference"));
        assertThatThrownBy(() -> c.collect(new CollectRequest("pay_1", Money.of("0", "KES"), Msisdn.parse("0708374149", null),
                "INV1", "Order", URI.create("https://gateway.example/cb"))))
                .isInstanceOfSatisfying(ProviderRuleException.class, e -> assertThat(e.field()).isEqualTo("amount"));
        assertThat(pushes).isEmpty();
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static CollectRequest collect(String amount) {
        return new CollectRequest("pay_1", Money.of(amount, "KES"), Msisdn.parse("0708374149", null), "INV1", "Order",
                URI.create("https://gateway.example/callbacks/0123abcd"));
    }

    @Test
    void buyGoodsSendsTheTillAsPartyBUnderTheStoreNumber() {
        MpesaConnector till = new MpesaConnector(new ConnectorConfig("acct-till", base(), Map.of("consumer-key", "key",
                "consumer-secret", "secret", "short-code", "300100", "passkey", "pk", "transaction-type", "CustomerBuyGoodsOnline",
                "till-number", "500200"), Duration.ofMillis(300), Duration.ofMillis(300), CLOCK, new InMemoryTokenCache()));
        assertThat(till.collect(collect("100"))).isInstanceOf(Outcome.Pending.class);
        JsonNode sent = pushes.getLast();
        assertThat(sent.get("TransactionType").asString()).isEqualTo("CustomerBuyGoodsOnline");
        assertThat(sent.get("BusinessShortCode").asString()).isEqualTo("300100");
        assertThat(sent.get("PartyB").asString()).isEqualTo("500200");
        assertThat(new String(Base64.getDecoder().decode(sent.get("Password").asString()))).startsWith("300100pk");
        assertThatThrownBy(() -> new MpesaConnector(new ConnectorConfig("acct-x", base(), Map.of("consumer-key", "key",
                "consumer-secret", "secret", "short-code", "300100", "passkey", "pk", "transaction-type", "CustomerBuyGoodsOnline"),
                null, null, CLOCK, null))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("till-number");
    }

    @Test
    void sendsWhatDarajaExpectsAndReusesTheToken() {
        MpesaConnector c = connector(base());
        assertThat(c.collect(collect("100"))).isInstanceOfSatisfying(Outcome.Pending.class,
                p -> assertThat(p.providerReference()).isEqualTo("ws_CO_1"));
        c.collect(collect("100"));
        assertThat(tokenRequests).hasValue(1);
        JsonNode sent = pushes.getFirst();
        // 07:30 UTC is 10:30 in Nairobi.
        assertThat(sent.get("Timestamp").asString()).isEqualTo("20261124103000");
        String password = new String(Base64.getDecoder().decode(sent.get("Password").asString()));
        assertThat(password).isEqualTo("174379pk20261124103000");
        assertThat(sent.get("Amount").isIntegralNumber()).isTrue();
        assertThat(sent.get("Amount").asLong()).isEqualTo(100);
        assertThat(sent.get("PhoneNumber").asString()).isEqualTo("254708374149");
        assertThat(sent.get("PartyB").asString()).isEqualTo("174379");
        assertThat(sent.get("TransactionType").asString()).isEqualTo("CustomerPayBillOnline");
    }

    @Test
    void fractionalShillingsAreRefusedBeforeSending() {
        assertThatThrownBy(() -> connector(base()).collect(collect("10.50")))
                .isInstanceOfSatisfying(ProviderRuleException.class, e -> assertThat(e.field()).isEqualTo("amount"));
        assertThat(pushes).isEmpty();
    }

    @Test
    void refusedConnectionIsNotSent() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(connector(URI.create("http://127.0.0.1:" + port)).collect(collect("100"))).isInstanceOf(Outcome.NotSent.class);
    }

    @Test
    void tokenEndpointDownMeansTheMoneyCallWasNotSent() {
        tokenStatus = 503;
        assertThat(connector(base()).collect(collect("100"))).isInstanceOf(Outcome.NotSent.class);
        assertThat(pushes).isEmpty();
    }

    @Test
    void bare500IsUnknown() {
        stk.set(ex -> reply(ex, 500, ""));
        assertThat(connector(base()).collect(collect("100"))).isInstanceOf(Outcome.Unknown.class);
    }

    @Test
    void readTimeoutAfterSendingIsUnknown() {
        CountDownLatch release = new CountDownLatch(1);
        stk.set(ex -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{}");
        });
        try {
            assertThat(connector(base()).collect(collect("100"))).isInstanceOf(Outcome.Unknown.class);
            assertThat(pushes).hasSize(1);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRefusedTokenIsReplacedOnceAndTheCallRetried() {
        AtomicInteger calls = new AtomicInteger();
        stk.set(ex -> {
            if (calls.incrementAndGet() == 1) {
                reply(ex, 404, "{\"requestId\":\"r\",\"errorCode\":\"404.001.03\",\"errorMessage\":\"Invalid Access Token\"}");
            } else {
                reply(ex, 200, "{\"CheckoutRequestID\":\"ws_CO_2\",\"ResponseCode\":\"0\"}");
            }
        });
        assertThat(connector(base()).collect(collect("100"))).isInstanceOf(Outcome.Pending.class);
        assertThat(tokenRequests).hasValue(2);
    }

    @Test
    void concurrentFirstCallsFetchOneToken() throws Exception {
        MpesaConnector c = connector(base());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Outcome>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return c.collect(collect("100"));
                }));
            }
            go.countDown();
            for (Future<Outcome> f : results) assertThat(f.get()).isInstanceOf(Outcome.Pending.class);
        }
        assertThat(tokenRequests).hasValue(1);
    }

    @Test
    void settingsNeverShowSecrets() {
        MpesaSettings s = MpesaSettings.from(new ConnectorConfig("a", base(), Map.of("consumer-key", "key", "consumer-secret",
                "topsecret", "short-code", "174379", "passkey", "pk-secret"), null, null, CLOCK, null));
        assertThat(s.toString()).doesNotContain("topsecret").doesNotContain("pk-secret");
    }
}
