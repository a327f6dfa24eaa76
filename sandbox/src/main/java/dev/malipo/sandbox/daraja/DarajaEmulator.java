package dev.malipo.sandbox.daraja;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.malipo.sandbox.CallbackSender;
import dev.malipo.sandbox.Exchanges;
import dev.malipo.sandbox.FaultConfig;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An offline Safaricom Daraja: the real paths, Basic-auth token endpoint, bearer checks with real
 * expiry, Password checks, Daraja's field and callback-URL rules, STK push/query and B2C, and a
 * simulated customer chosen by test number who answers by callback. Faults can be injected.
 */
public final class DarajaEmulator implements AutoCloseable {
    private static final System.Logger log = System.getLogger(DarajaEmulator.class.getName());
    private static final char[] RECEIPT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final DarajaEmulatorConfig config;
    private final HttpServer server;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().factory());
    private final CallbackSender sender = new CallbackSender();
    private final DarajaAuth auth;
    private final StkPushes stk;
    private final B2cPayments b2c;
    private final Random random;
    private volatile FaultConfig faults;

    private DarajaEmulator(DarajaEmulatorConfig config) throws IOException {
        this.config = config;
        this.random = new Random(config.randomSeed());
        this.faults = config.faults();
        this.auth = new DarajaAuth(config.apps(), config.tokenLifetime(), config.clock());
        this.stk = new StkPushes(this, config);
        this.b2c = new B2cPayments(this, config);
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public static DarajaEmulator start(DarajaEmulatorConfig config) {
        try {
            return new DarajaEmulator(config);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Daraja emulator on port " + config.port(), e);
        }
    }

    public URI baseUrl() {
        return URI.create("http://" + config.host() + ":" + server.getAddress().getPort());
    }

    public FaultConfig faults() {
        return faults;
    }

    public void setFaults(FaultConfig faults) {
        this.faults = faults;
    }

    @Override
    public void close() {
        server.stop(0);
        timers.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        try {
            if (path.startsWith("/sandbox/admin/")) {
                admin(ex, method, path);
                return;
            }
            if (method.equals("GET") && path.equals("/oauth/v1/generate")) {
                String token = auth.issue(ex.getRequestHeaders().getFirst("Authorization"));
                Exchanges.json(ex, 200, Map.of("access_token", token, "expires_in", String.valueOf(auth.lifetimeSeconds())));
                return;
            }
            if (!method.equals("POST")) {
                throw new DarajaError("404.001.01", "Resource not found");
            }
            switch (path) {
                case "/mpesa/stkpush/v1/processrequest" -> moneyCall(ex, r -> stk.push(r));
                case "/mpesa/stkpushquery/v1/query" -> moneyCall(ex, r -> new StkPushes.Accepted(stk.query(r), Duration.ZERO));
                case "/mpesa/b2c/v1/paymentrequest" -> moneyCall(ex, r -> b2c.pay(r, false));
                case "/mpesa/b2c/v3/paymentrequest" -> moneyCall(ex, r -> b2c.pay(r, true));
                case "/mpesa/transactionstatus/v1/query" -> moneyCall(ex, r -> new StkPushes.Accepted(b2c.status(r), Duration.ZERO));
                default -> throw new DarajaError("404.001.01", "Resource not found");
            }
        } catch (DarajaError e) {
            Exchanges.json(ex, e.httpStatus(), e.body());
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "emulator error on " + path, e);
            Exchanges.json(ex, 500, new DarajaError("500.003.1001", "Internal Server Error").body());
        }
    }

    private interface Call {
        StkPushes.Accepted apply(DarajaRequest request);
    }

    private void moneyCall(HttpExchange ex, Call call) throws IOException {
        auth.check(ex.getRequestHeaders().getFirst("Authorization"));
        FaultConfig f = faults;
        if (f.latencyMs() > 0) sleep(Duration.ofMillis(f.latencyMs()));
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        if (roll < f.errorRate()) {
            Exchanges.empty(ex, 500); // bare 500: the client cannot know what happened
            return;
        }
        if (roll < f.errorRate() + f.rateLimitRate()) {
            throw new DarajaError("429.001.01", "Too many requests");
        }
        byte[] raw = Exchanges.body(ex);
        if (raw == null) throw new DarajaError("400.002.01", "Request body too large");
        JsonNode body;
        try {
            body = Exchanges.JSON.readTree(raw);
        } catch (JacksonException e) {
            throw new DarajaError("400.002.01", "Invalid JSON");
        }
        if (body == null || !body.isObject()) throw new DarajaError("400.002.01", "Invalid JSON");
        StkPushes.Accepted accepted = call.apply(new DarajaRequest(body));
        if (!accepted.answerDelay().isZero()) sleep(accepted.answerDelay());
        Exchanges.json(ex, 200, accepted.answer());
    }

    // --- used by the services -------------------------------------------------------------

    /**
     * Runs {@code action} after {@code delay}. In instant mode a zero delay runs it right here,
     * before the initiation's answer is written — the order a gateway must survive.
     */
    void later(Duration delay, Runnable action) {
        if (delay.isZero() && config.instant()) {
            action.run();
        } else {
            timers.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    log.log(System.Logger.Level.WARNING, "emulator timer failed", e);
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** Posts a callback {@code times} times (0 = never), subject to the drop/duplicate faults. */
    void deliver(URI url, Map<String, Object> body, int times) {
        FaultConfig f = faults;
        double roll;
        synchronized (random) {
            roll = random.nextDouble();
        }
        if (roll < f.dropCallbackRate()) times = 0;
        else if (roll < f.dropCallbackRate() + f.duplicateCallbackRate()) times = Math.max(times, 2);
        String json = Exchanges.JSON.writeValueAsString(body);
        for (int i = 0; i < times; i++) {
            sender.post(url, json);
        }
    }

    String receipt() {
        char[] c = new char[10];
        synchronized (random) {
            for (int i = 0; i < c.length; i++) c[i] = RECEIPT_CHARS[random.nextInt(RECEIPT_CHARS.length)];
        }
        return new String(c);
    }

    String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        synchronized (random) {
            random.nextBytes(b);
        }
        return B2cPayments.hex(b);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // --- admin ---------------------------------------------------------------------------

    private void admin(HttpExchange ex, String method, String path) throws IOException {
        switch (method + " " + path) {
            case "GET /sandbox/admin/faults" -> Exchanges.json(ex, 200, faultsView(faults));
            case "PUT /sandbox/admin/faults" -> {
                byte[] raw = Exchanges.body(ex);
                try {
                    JsonNode b = Exchanges.JSON.readTree(raw);
                    faults = new FaultConfig(b.path("latency_ms").asLong(0), b.path("error_rate").asDouble(0),
                            b.path("rate_limit_rate").asDouble(0), b.path("duplicate_callback_rate").asDouble(0),
                            b.path("drop_callback_rate").asDouble(0));
                    Exchanges.json(ex, 200, faultsView(faults));
                } catch (RuntimeException e) {
                    Exchanges.json(ex, 400, Map.of("error", "invalid fault configuration: " + e.getMessage()));
                }
            }
            case "GET /sandbox/admin/transactions" -> {
                List<Map<String, Object>> all = new ArrayList<>(stk.snapshot());
                all.addAll(b2c.snapshot());
                Exchanges.json(ex, 200, all);
            }
            case "POST /sandbox/admin/reset" -> {
                stk.reset();
                b2c.reset();
                faults = FaultConfig.NONE;
                Exchanges.empty(ex, 204);
            }
            default -> Exchanges.json(ex, 404, Map.of("error", "no such admin endpoint"));
        }
    }

    private static Map<String, Object> faultsView(FaultConfig f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latency_ms", f.latencyMs());
        m.put("error_rate", f.errorRate());
        m.put("rate_limit_rate", f.rateLimitRate());
        m.put("duplicate_callback_rate", f.duplicateCallbackRate());
        m.put("drop_callback_rate", f.dropCallbackRate());
        return m;
    }
}
