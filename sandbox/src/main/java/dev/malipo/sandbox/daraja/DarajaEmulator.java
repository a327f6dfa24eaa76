package dev.malipo.sandbox.daraja;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.malipo.sandbox.CallbackSender;
import dev.malipo.sandbox.DelayScheduler;
import dev.malipo.sandbox.Exchanges;
import dev.malipo.sandbox.FaultConfig;
import dev.malipo.sandbox.FaultInjector;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An offline Safaricom Daraja: the real paths, the Basic-auth token endpoint, bearer checks with
 * real expiry, Password checks, Daraja's field and callback-URL rules, STK push/query, B2C and
 * Transaction Status, and a simulated customer chosen by test number who answers by callback.
 * Faults can be injected. This class only routes and guards; each API lives in its own class.
 *
 * <pre>{@code
 * try (DarajaEmulator daraja = DarajaEmulator.start(DarajaEmulatorConfig.builder().speedFactor(0).build())) {
 *     URI base = daraja.baseUrl();   // point the client here
 * }
 * }</pre>
 */
public final class DarajaEmulator implements AutoCloseable {
    private static final System.Logger log = System.getLogger(DarajaEmulator.class.getName());

    /**
     * The JDK server's cap on idle kept-alive connections, and what the emulator sets it to unless
     * the JVM was started with it.
     */
    static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";

    static {
        // Past 200 idle connections the JDK's server closes each further one right after answering on
        // it, without a Connection: close header. A client that reuses it in that instant writes its
        // request to a socket nobody reads, and cannot tell whether it was read: an STK push that
        // stays unknown with no CheckoutRequestID to query (four did so in bench round 24). A
        // provider's load balancer keeps a connection until it has been idle a while, so here idle
        // connections are closed only by the server's idle timer (sun.net.httpserver.idleInterval,
        // 30 s). The JVM reads the setting once, when its first HttpServer starts: this runs before
        // ours, and an embedding application that starts one of its own earlier keeps the default.
        if (System.getProperty(MAX_IDLE_CONNECTIONS) == null) {
            System.setProperty(MAX_IDLE_CONNECTIONS, String.valueOf(Integer.MAX_VALUE));
        }
    }

    private final DarajaEmulatorConfig config;
    private final HttpServer server;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();
    private final DelayScheduler scheduler;
    private final FaultInjector faults;
    private final DarajaAuth auth;
    private final StkPushes stk;
    private final StkQuery stkQuery;
    private final B2cPayments b2c;
    private final TransactionStatus transactionStatus;
    private final DarajaAdmin admin;

    private DarajaEmulator(DarajaEmulatorConfig config) throws IOException {
        this.config = config;
        this.scheduler = new DelayScheduler(config.speedFactor(), config.instant());
        this.faults = new FaultInjector(config.faults(), config.randomSeed());
        DarajaContext ctx = new DarajaContext(config, scheduler, faults, new DarajaIds(config.clock(), config.randomSeed()),
                new DarajaCallbacks(), new CallbackSender());
        this.auth = new DarajaAuth(config.apps(), config.tokenLifetime(), config.clock());
        this.stk = new StkPushes(ctx);
        this.stkQuery = new StkQuery(ctx, stk);
        this.b2c = new B2cPayments(ctx);
        this.transactionStatus = new TransactionStatus(ctx, stk, b2c);
        this.admin = new DarajaAdmin(ctx, stk, b2c);
        // A deep listen queue: a dropped SYN would add a 1 s retransmit to the client's call.
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
        server.setExecutor(requests);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts listening at once; {@code port 0} picks a free port (see {@link #baseUrl()}). */
    public static DarajaEmulator start(DarajaEmulatorConfig config) {
        try {
            return new DarajaEmulator(config);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Daraja emulator on " + config.host() + ":" + config.port(), e);
        }
    }

    /** Where clients point their Daraja base URL, e.g. {@code http://127.0.0.1:8090}. */
    public URI baseUrl() {
        String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
        return URI.create("http://" + host + ":" + server.getAddress().getPort());
    }

    public DarajaEmulatorConfig config() {
        return config;
    }

    public FaultConfig faults() {
        return faults.config();
    }

    /** Changes the faults at runtime (also {@code PUT /sandbox/admin/faults}). */
    public void setFaults(FaultConfig faults) {
        this.faults.set(faults);
    }

    /** Stops listening and forgets pending customers: no callback is sent after close. */
    @Override
    public void close() {
        scheduler.close();
        server.stop(0);
        requests.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        try {
            if (path.startsWith("/sandbox/admin/")) {
                admin.handle(ex);
                return;
            }
            if (path.equals("/oauth/v1/generate") && method.equals("GET")) {
                String token = auth.issue(queryParam(ex.getRequestURI(), "grant_type"),
                        ex.getRequestHeaders().getFirst("Authorization"));
                Exchanges.json(ex, 200, Map.of("access_token", token, "expires_in", String.valueOf(auth.lifetimeSeconds())));
                return;
            }
            Function<DarajaRequest, Answer> api = method.equals("POST") ? switch (path) {
                case "/mpesa/stkpush/v1/processrequest" -> stk::push;
                case "/mpesa/stkpushquery/v1/query" -> stkQuery::query;
                case "/mpesa/b2c/v1/paymentrequest" -> r -> b2c.pay(r, false);
                case "/mpesa/b2c/v3/paymentrequest" -> r -> b2c.pay(r, true);
                case "/mpesa/transactionstatus/v1/query" -> transactionStatus::query;
                default -> null;
            } : null;
            if (api == null) throw new DarajaError("404.001.01", "Resource not found");
            call(ex, api);
        } catch (DarajaError e) {
            Exchanges.json(ex, e.httpStatus(), e.body());
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "emulator error on " + method + " " + path, e);
            Exchanges.json(ex, 500, new DarajaError("500.003.1001", "Internal Server Error").body());
        }
    }

    /** The order Daraja's gateway applies: token, then faults (rate limits, outages), then the API. */
    private void call(HttpExchange ex, Function<DarajaRequest, Answer> api) throws IOException {
        auth.check(ex.getRequestHeaders().getFirst("Authorization"));
        switch (faults.onRequest()) {
            case SERVER_ERROR -> {
                // A bare 500: nothing tells the client whether the request was processed.
                Exchanges.empty(ex, 500);
                return;
            }
            case RATE_LIMITED -> throw new DarajaError("429.001.01", "Too many requests");
            case NONE -> {
            }
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
        Answer answer = api.apply(new DarajaRequest(body));
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // shutting down: the client never gets its answer, as with a real timeout
            }
        }
        Exchanges.json(ex, 200, answer.body());
    }

    private static String queryParam(URI uri, String name) {
        String q = uri.getRawQuery();
        if (q == null) return null;
        for (String pair : q.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
