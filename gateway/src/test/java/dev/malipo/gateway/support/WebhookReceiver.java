package dev.malipo.gateway.support;

import com.sun.net.httpserver.HttpServer;
import dev.malipo.gateway.webhooks.WebhookSignature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A merchant's webhook endpoint for tests: a real HTTP server that verifies Malipo's signature the
 * way a merchant would, records what it got, and can be told to fail its first N deliveries.
 */
public final class WebhookReceiver implements AutoCloseable {
    public record Received(String eventId, String type, String paymentId, JsonNode event, boolean signatureValid) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile String failOnlyPhone;
    private final AtomicInteger requests = new AtomicInteger();
    private volatile String secret;

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hooks", ex -> {
            requests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            JsonNode parsed = JSON.readTree(body);
            boolean targeted = failOnlyPhone == null
                    || failOnlyPhone.equals(parsed.path("data").path("object").path("phone").asString(""));
            if (targeted && failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(500, -1);
                ex.close();
                return;
            }
            String header = ex.getRequestHeaders().getFirst(WebhookSignature.HEADER);
            boolean valid = secret != null && WebhookSignature.verify(secret, header, body, Clock.systemUTC(), Duration.ofMinutes(5));
            JsonNode event = JSON.readTree(body);
            received.add(new Received(event.get("id").asString(), event.get("type").asString(),
                    event.get("data").get("object").get("id").asString(), event, valid));
            ex.sendResponseHeaders(valid ? 200 : 400, -1);
            ex.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    public void secret(String secret) {
        this.secret = secret;
    }

    /** The next {@code n} deliveries about payments to {@code phone} (E.164) are answered 500. */
    public void failNext(int n, String phone) {
        failOnlyPhone = phone;
        failuresLeft.set(n);
    }

    public int requests() {
        return requests.get();
    }

    public List<Received> forPayment(String paymentId) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.paymentId().equals(paymentId)) out.add(r);
        }
        return out;
    }

    /** Waits (polling, bounded) until a webhook for the payment matches. */
    public Received await(String paymentId, Predicate<Received> match, Duration timeout) {
        Await.until("webhook for " + paymentId, timeout, () -> received.stream()
                .anyMatch(r -> r.paymentId().equals(paymentId) && match.test(r)));
        return received.stream().filter(r -> r.paymentId().equals(paymentId) && match.test(r)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
