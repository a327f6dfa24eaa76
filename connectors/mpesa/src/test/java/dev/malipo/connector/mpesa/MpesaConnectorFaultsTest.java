package dev.malipo.connector.mpesa;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.InMemoryTokenCache;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.ProviderRuleException;
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
                "short-code", "174379", "passkey", "pk"), Duration.ofMillis(300), Duration.ofMillis(300), CLOCK,
                new InMemoryTokenCache()));
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static CollectRequest collect(String amount) {
        return new CollectRequest("pay_1", Money.of(amount, "KES"), Msisdn.parse("0708374149", null), "INV1", "Order",
                URI.create("https://gateway.example/callbacks/0123abcd"));
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
