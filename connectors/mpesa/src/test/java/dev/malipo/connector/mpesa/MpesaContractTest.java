package dev.malipo.connector.mpesa;

import com.sun.net.httpserver.HttpServer;
import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.ConnectorConfig;
import dev.malipo.core.connector.InMemoryTokenCache;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.money.Money;
import dev.malipo.core.phone.Msisdn;
import dev.malipo.sandbox.FaultConfig;
import dev.malipo.sandbox.daraja.DarajaEmulator;
import dev.malipo.sandbox.daraja.DarajaEmulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector against the Daraja emulator over real HTTP: what the gateway relies on. */
class MpesaContractTest {
    static DarajaEmulator emulator;
    static HttpServer receiver;
    static final BlockingQueue<byte[]> callbacks = new LinkedBlockingQueue<>();
    static MpesaConnector connector;
    static URI callbackUrl;

    @BeforeAll
    static void start() throws Exception {
        emulator = DarajaEmulator.start(DarajaEmulatorConfig.builder().speedFactor(0.01).build());
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/callbacks", ex -> {
            callbacks.add(ex.getRequestBody().readAllBytes());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        receiver.start();
        callbackUrl = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/callbacks/0a1b2c");
        connector = new MpesaConnector(new ConnectorConfig("acct-c", emulator.baseUrl(), Map.of(
                "consumer-key", DarajaEmulatorConfig.DEMO_CONSUMER_KEY, "consumer-secret", DarajaEmulatorConfig.DEMO_CONSUMER_SECRET,
                "short-code", DarajaEmulatorConfig.DEMO_SHORT_CODE, "passkey", DarajaEmulatorConfig.DEMO_PASSKEY,
                "initiator-name", "testapi", "security-credential", "c2VjcmV0"),
                Duration.ofSeconds(1), Duration.ofSeconds(2), null, new InMemoryTokenCache()));
    }

    @AfterAll
    static void stop() {
        emulator.close();
        receiver.stop(0);
    }

    private static CollectRequest collect(String phone) {
        return new CollectRequest("pay_contract", Money.of("100", "KES"), Msisdn.parse(phone), "INV9", "Contract test", callbackUrl);
    }

    @Test
    void collectThenCallbackThenQueryAgree() throws Exception {
        callbacks.clear();
        Outcome started = connector.collect(collect("254708374149"));
        assertThat(started).isInstanceOf(Outcome.Pending.class);
        byte[] body = callbacks.poll(5, TimeUnit.SECONDS);
        assertThat(body).isNotNull();
        CallbackEvent event = connector.parseCallback(Map.of(), body);
        assertThat(event.providerReference()).isEqualTo(started.providerReference());
        assertThat(event.outcome()).isInstanceOf(Outcome.Succeeded.class);
        assertThat(connector.queryStatus(new StatusQuery(TransactionKind.COLLECTION, "pay_contract", started.providerReference())))
                .isInstanceOf(Outcome.Succeeded.class);
    }

    @Test
    void declinesAndRefusalsComeOutDefinite() throws Exception {
        callbacks.clear();
        connector.collect(collect("254708374001"));
        CallbackEvent cancelled = connector.parseCallback(Map.of(), callbacks.poll(5, TimeUnit.SECONDS));
        assertThat(cancelled.outcome()).isInstanceOfSatisfying(Outcome.Declined.class,
                d -> assertThat(d.reason().code()).isEqualTo("cancelled_by_customer"));
        assertThat(connector.collect(collect("254708374007"))).isInstanceOfSatisfying(Outcome.Declined.class,
                d -> assertThat(d.reason().retryable()).isTrue());
        assertThat(connector.collect(collect("254708374010"))).isInstanceOfSatisfying(Outcome.Declined.class,
                d -> assertThat(d.reason().code()).isEqualTo("invalid_subscriber"));
    }

    @Test
    void pendingWhileTheCustomerThinks() {
        Outcome started = connector.collect(collect("254708374009"));
        assertThat(connector.queryStatus(new StatusQuery(TransactionKind.COLLECTION, "pay_contract", started.providerReference())))
                .isInstanceOf(Outcome.Pending.class);
    }

    @Test
    void payoutUsesOurIdAsItsHandle() throws Exception {
        callbacks.clear();
        Outcome o = connector.payout(new PayoutRequest("po_contract_1", Money.of("250", "KES"), Msisdn.parse("254708374149"),
                "Refund", null, callbackUrl, callbackUrl));
        assertThat(o).isInstanceOfSatisfying(Outcome.Pending.class, p -> assertThat(p.providerReference()).isEqualTo("po_contract_1"));
        CallbackEvent result = connector.parseCallback(Map.of("x-malipo-callback-channel", List.of("result")),
                callbacks.poll(5, TimeUnit.SECONDS));
        assertThat(result.attemptId()).isEqualTo("po_contract_1");
        assertThat(result.outcome()).isInstanceOf(Outcome.Succeeded.class);
    }

    @Test
    void injectedServerErrorsAreUnknown() {
        emulator.setFaults(new FaultConfig(0, 1.0, 0, 0, 0));
        try {
            assertThat(connector.collect(collect("254708374149"))).isInstanceOf(Outcome.Unknown.class);
        } finally {
            emulator.setFaults(FaultConfig.NONE);
        }
    }
}
