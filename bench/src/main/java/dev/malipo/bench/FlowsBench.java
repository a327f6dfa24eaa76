package dev.malipo.bench;

import com.sun.net.httpserver.HttpServer;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model load on a running gateway: payments arrive at a fixed rate whatever the gateway's
 * answers (so a slow answer cannot hold back the next request and hide latency — no coordinated
 * omission), each measured from its intended start: initiation (POST answered) and end to end
 * (its payment.succeeded webhook received here). Steps up the rate until the gateway cannot keep up.
 * The overhead mode holds one modest rate instead and subtracts, per request, the provider time the
 * gateway reports in its Server-Timing header from the initiation latency.
 */
public final class FlowsBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Map<String, String> opts;
    // Internal steps inline, as in the gateway (ProviderHttp.newClient): the load generator shares
    // the box, so its own thread hops would be taken from what it measures.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Runnable::run).build();
    private final String gateway;
    private final Map<String, Long> intendedStart = new ConcurrentHashMap<>();
    private volatile Recorder e2e = new Recorder(3);
    /** Slowest end-to-end latency (ms) of the flows meant to start in each second of the step (--series). */
    private volatile AtomicLongArray slowestBySecond = new AtomicLongArray(0);
    /** Slowest overhead (µs) of the requests meant to start in each second of the step (--series, overhead mode). */
    private volatile AtomicLongArray slowestOverheadBySecond = new AtomicLongArray(0);
    private volatile long stepStart;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong stepNumber = new AtomicLong();
    private double bestCommitRate;
    private String apiKey;
    private GatewayAllocation allocation;
    /** Set once the webhook endpoint (and so its secret) exists, before the first payment. */
    private volatile WebhookLedger ledger;

    private FlowsBench(Map<String, String> opts) {
        this.opts = opts;
        this.gateway = opts.getOrDefault("gateway", "http://127.0.0.1:18080");
    }

    public static void main(String[] args) throws Exception {
        // The merchant's receiver keeps every kept-alive connection, as the Daraja emulator does: past
        // 200 idle ones the JDK's server closes each further one silently after answering, and the
        // gateway's next webhook on it fails and waits for its retry — latency that is the
        // receiver's, not Malipo's. Set before the receiver, the first server in this JVM.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", String.valueOf(Integer.MAX_VALUE));
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        new FlowsBench(opts).run();
    }

    private void run() throws Exception {
        HttpServer receiver = startReceiver();
        setUp("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks");
        if ("closed".equals(opts.get("mode"))) {
            closedModel();
            finish(receiver);
        }
        int stepSeconds = Integer.parseInt(opts.getOrDefault("step-seconds", "60"));
        List<Integer> rates = new ArrayList<>();
        for (String r : opts.getOrDefault("rates", "50,100,200,400,800,1600,3200").split(",")) rates.add(Integer.parseInt(r.trim()));
        long pid = Long.parseLong(opts.getOrDefault("gateway-pid", "0"));
        allocation = GatewayAllocation.attach(pid);

        int warmup = Integer.parseInt(opts.getOrDefault("warmup-seconds", "10"));
        if ("overhead".equals(opts.get("mode"))) {
            overheadMode(Integer.parseInt(opts.getOrDefault("rate", "200")), stepSeconds, warmup, pid);
            finish(receiver);
        }
        if (warmup > 0) {
            // JIT, connection pools and the provider token: not what we want to measure.
            step(rates.getFirst(), warmup, pid);
            System.out.printf("(warm-up: %d s at %d/s, not counted)%n", warmup, rates.getFirst());
        }
        System.out.printf("%n%-8s %-9s %-8s %-26s %-26s %-7s %-6s %-6s %-8s %-13s %-13s %-9s%n", "offered", "achieved", "sent",
                "initiation p50/p99/max ms", "end-to-end p50/p99/max ms", "errors", "cpu", "jit", "heap MB", "commits/flow",
                "flushes/flow", "alloc KiB/flow");
        int sustained = 0;
        for (int rate : rates) {
            Step s = step(rate, stepSeconds, pid);
            System.out.printf("%-8d %-9.1f %-8d %-26s %-26s %-7d %-6.2f %-6.2f %-8.0f %-13s %-13s %-9s%n", rate, s.achieved,
                    s.sent, pct(s.initiation), pct(s.endToEnd), s.errors, s.cpuCores, s.jitCores, s.heapMb,
                    orNa("%.1f", s.commitsPerFlow), orNa("%.2f", s.flushesPerFlow), orNa("%.0f", s.allocKibPerFlow));
            if (opts.containsKey("series")) {
                // When the slow flows started: a steady tail, or stalls every so often?
                StringBuilder line = new StringBuilder("  slowest end-to-end per second, ms:");
                AtomicLongArray slowest = slowestBySecond;
                for (int i = 0; i < slowest.length() - 1; i++) line.append(' ').append(slowest.get(i));
                System.out.println(line);
            }
            boolean kept = s.errors == 0 && s.achieved >= 0.95 * rate && s.endToEnd.getValueAtPercentile(99) < 1_000_000_000L;
            if (kept) {
                sustained = rate;
                if (s.commitsPerFlow > 0) bestCommitRate = s.commitsPerFlow * s.achieved;
            }
            if (!kept) break;
        }
        System.out.printf("%nsustained: %d flows/s (p99 end-to-end < 1 s, no errors, >= 95%% of offered completed; %d s steps)%n",
                sustained, stepSeconds);
        if (bestCommitRate > 0) {
            System.out.printf("malipo commit rate at %d flows/s: %.0f commits/s%n", sustained, bestCommitRate);
        }
        finish(receiver);
    }

    /** The audit, then exit: non-zero if a webhook was forged or a settled payment's webhook never came. */
    private void finish(HttpServer receiver) throws Exception {
        boolean clean = audit();
        receiver.stop(0);
        System.exit(clean ? 0 : 3);
    }

    /**
     * None lost, none forged: waits (up to --audit-seconds, 60) until every payment the gateway
     * accepted has its webhook, then says what the merchant received — and, on PostgreSQL, checks it
     * against what the database says settled and was delivered. A payment still open then (unknown
     * after a provider time-out, say) is not lost; a succeeded one whose webhook never came is.
     */
    /** Rows of the payment path whose parent row does not exist (the gateway's tests ask the same: support/Orphans). */
    private static final String ORPHANS = """
            select (select count(*) from payments c where not exists (select 1 from merchants p where p.id = c.merchant_id))
                 + (select count(*) from payments c where not exists (select 1 from provider_accounts p where p.id = c.provider_account_id))
                 + (select count(*) from provider_callbacks c where not exists (select 1 from payments p where p.id = c.payment_id))
                 + (select count(*) from payment_events c where not exists (select 1 from merchants p where p.id = c.merchant_id))
                 + (select count(*) from payment_events c where not exists (select 1 from payments p where p.id = c.payment_id))
                 + (select count(*) from webhook_deliveries c where not exists (select 1 from payment_events p where p.id = c.event_id))
                 + (select count(*) from webhook_attempts c where not exists (select 1 from webhook_deliveries p where p.id = c.delivery_id))""";

    private boolean audit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Integer.parseInt(opts.getOrDefault("audit-seconds", "60")));
        long missing;
        while ((missing = ledger.missing()) > 0 && System.nanoTime() < deadline) Thread.sleep(500);
        System.out.printf("%naudit: %d payments accepted (201); payment.succeeded webhooks received for %d payments, "
                        + "%d received again, %d badly signed; %d accepted payments still without one%n",
                ledger.createdCount(), ledger.receivedCount(), ledger.repeats(), ledger.badlySigned(), missing);
        boolean clean = ledger.badlySigned() == 0;
        List<String> succeeded = psqlLines("select reference from payments where status = 'succeeded'");
        if (succeeded != null) {
            long lost = ledger.notReceived(succeeded);
            System.out.printf("database: payments by status: %s; deliveries by status (attempts): %s; "
                            + "succeeded payments whose webhook was not received: %d%n",
                    joined(psqlLines("select status || ' ' || count(*) from payments group by status order by 1")),
                    joined(psqlLines("select status || ' ' || count(*) || ' (' || sum(attempts) || ')' "
                            + "from webhook_deliveries group by status order by 1")),
                    lost);
            clean &= lost == 0;
            // What the payment path's foreign keys refused until V8 dropped them, asked of the whole run's rows.
            List<String> orphans = psqlLines(ORPHANS);
            long pointingNowhere = orphans == null || orphans.isEmpty() ? -1 : Long.parseLong(orphans.get(0).trim());
            System.out.printf("database: rows whose parent row does not exist: %d%n", pointingNowhere);
            clean &= pointingNowhere == 0;
        }
        if (!clean) System.out.println("AUDIT FAILED: a webhook was lost or did not verify, or a row points nowhere");
        return clean;
    }

    /**
     * One step's figures. provider: the gateway's own Server-Timing figure for its provider calls;
     * overhead: initiation minus provider, per request; untimed: 201 answers without that header;
     * failed: the part of errors that were initiations not answered 201 (the rest never completed).
     */
    private record Step(long sent, long errors, double achieved, Histogram initiation, Histogram endToEnd, double cpuCores,
                        double jitCores,
                        double heapMb, double commitsPerFlow, double flushesPerFlow, Histogram provider, Histogram overhead, long untimed,
                        long failed, double allocKibPerFlow, OverheadParts parts) {
    }

    /**
     * Where a request's overhead went, per request, from the gateway's {@code app} Server-Timing
     * metric: late, the load generator sending after the intended start (its own thread waking
     * late on this shared box); outside, the rest of the time Malipo did not have the request
     * (loopback network, Tomcat's accept and dispatch before the first filter, writing and reading
     * the answer); inside, Malipo's own time less the provider's. The three add up to the overhead
     * (each clamped at zero).
     */
    private record OverheadParts(Histogram late, Histogram outside, Histogram inside) {
    }

    /**
     * The gateway's own overhead: one fixed, modest rate (open model), the emulator answering at
     * once but asynchronously (speed 0, set by bench/flows), and per request the initiation latency
     * minus the time the gateway says it spent waiting on the provider. What is left is Malipo's
     * API, idempotency, database and JSON work (plus its HTTP client's, counted as provider time).
     */
    private void overheadMode(int rate, int seconds, int warmup, long pid) throws Exception {
        if (warmup > 0) {
            step(rate, warmup, pid);
            System.out.printf("(warm-up: %d s at %d/s, not counted)%n", warmup, rate);
        }
        Step s = step(rate, seconds, pid);
        System.out.printf("%noverhead mode: %d/s offered for %d s; sent %d, completed %.1f flows/s; errors %d "
                + "(%d not answered 201, %d not completed within 5 s); no Server-Timing %d; gateway cpu %.2f cores "
                + "(its JIT compiler threads %.2f), heap %.0f MB; per flow %s commits, %s WAL flushes%n", rate, seconds, s.sent,
                s.achieved, s.errors, s.failed, s.errors - s.failed, s.untimed, s.cpuCores, s.jitCores, s.heapMb,
                orNa("%.2f", s.commitsPerFlow), orNa("%.2f", s.flushesPerFlow));
        System.out.printf("%n%-12s %-26s%n", "", "p50/p99/max ms");
        System.out.printf("%-12s %-26s%n", "initiation", pct(s.initiation));
        System.out.printf("%-12s %-26s%n", "provider", pct(s.provider));
        System.out.printf("%-12s %-26s%n", "overhead", pct(s.overhead));
        System.out.printf("%-12s %-26s%s%n", "  late", pct(s.parts.late), "  load generator sending after the intended start");
        System.out.printf("%-12s %-26s%s%n", "  outside", pct(s.parts.outside), "  network, Tomcat before Malipo's first filter, the answer's way back");
        System.out.printf("%-12s %-26s%s%n", "  inside", pct(s.parts.inside), "  Malipo's own (Server-Timing app minus provider)");
        if (opts.containsKey("series")) {
            // A steady tail, or stalls every so often (a sweep, a checkpoint, the host)?
            StringBuilder line = new StringBuilder("slowest overhead per second, ms:");
            AtomicLongArray slowest = slowestOverheadBySecond;
            for (int i = 0; i < slowest.length() - 1; i++) line.append(' ').append(slowest.get(i) / 1000);
            System.out.println(line);
        }
        // Per request, so not the difference of the two p99s above.
        System.out.printf("%noverhead p99: %s ms%n", s.overhead.getTotalCount() == 0 ? "n/a"
                : String.format("%.1f", s.overhead.getValueAtPercentile(99) / 1e6));
    }

    private Step step(int rate, int seconds, long pid) throws Exception {
        Recorder initiation = new Recorder(3);
        Recorder provider = new Recorder(3);
        Recorder overhead = new Recorder(3);
        Recorder late = new Recorder(3);
        Recorder outside = new Recorder(3);
        Recorder inside = new Recorder(3);
        e2e = new Recorder(3);
        completed.set(0);
        intendedStart.clear();
        AtomicLong errors = new AtomicLong();
        AtomicLong untimed = new AtomicLong();
        GatewayCpu cpuBefore = GatewayCpu.read(pid);
        long commitsBefore = commits();
        long flushesBefore = walFlushes();
        long allocatedBefore = allocated();
        long interval = 1_000_000_000L / rate;
        long total = (long) rate * seconds;
        long start = System.nanoTime() + 50_000_000L;
        stepStart = start;
        slowestBySecond = new AtomicLongArray(seconds + 1);
        AtomicLongArray slowestOverhead = new AtomicLongArray(seconds + 1);
        slowestOverheadBySecond = slowestOverhead;
        // Unique per step: the reference doubles as the Idempotency-Key, and a repeated key is a replay.
        String prefix = Long.toString(stepNumber.incrementAndGet(), 36) + "s";
        // Sent asynchronously and answered on the HTTP client's own selector thread (its steps run
        // inline): a virtual thread per request blocked in send() cost the load generator, which
        // shares the box with what it measures, a start, a park and an unpark per flow.
        List<CompletableFuture<Void>> answers = new ArrayList<>(Math.toIntExact(total));
        for (long i = 0; i < total; i++) {
            long intended = start + i * interval;
            long wait = intended - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            String ref = prefix + Long.toString(i, 36);
            String phone = phone(i);
            intendedStart.put(ref, intended);
            long lateBy = Math.max(0, System.nanoTime() - intended);
            late.recordValue(lateBy);
            answers.add(sendAsync(ref, phone).handle((r, failure) -> {
                try {
                    if (failure != null) {
                        errors.incrementAndGet();
                        return null;
                    }
                    long took = Math.max(0, System.nanoTime() - intended);
                    initiation.recordValue(took);
                    if (r.statusCode() != 201) {
                        errors.incrementAndGet();
                        return null;
                    }
                    ledger.created(ref);
                    String serverTiming = r.headers().firstValue("Server-Timing").orElse(null);
                    long providerNanos = metricNanos(serverTiming, "provider");
                    if (providerNanos < 0) {
                        untimed.incrementAndGet();
                    } else {
                        provider.recordValue(providerNanos);
                        long over = Math.max(0, took - providerNanos);
                        long appNanos = metricNanos(serverTiming, "app");
                        if (appNanos >= 0) {
                            outside.recordValue(Math.max(0, took - lateBy - appNanos));
                            inside.recordValue(Math.max(0, appNanos - providerNanos));
                        }
                        overhead.recordValue(over);
                        int second = (int) Math.min(seconds, Math.max(0, (intended - start) / 1_000_000_000L));
                        slowestOverhead.accumulateAndGet(second, over / 1000, Math::max);
                    }
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                }
                return null;
            }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        double elapsed = (System.nanoTime() - start) / 1e9;
        // Grace for webhooks still in flight: a flow is complete only when its webhook is here.
        long graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (completed.get() < total - errors.get() && System.nanoTime() < graceEnd) Thread.sleep(20);
        double wall = (System.nanoTime() - start) / 1e9;
        long done = completed.get();
        GatewayCpu cpuAfter = GatewayCpu.read(pid);
        double cpu = pid > 0 ? cpuAfter.cores(cpuBefore, wall) : -1;
        double jit = pid > 0 ? cpuAfter.jitCores(cpuBefore, wall) : -1;
        double commitsPerFlow = perFlow(commitsBefore, commits(), done);
        double flushesPerFlow = perFlow(flushesBefore, walFlushes(), done);
        long allocatedAfter = allocated();
        double kibPerFlow = allocatedBefore < 0 || allocatedAfter < 0 || done == 0 ? -1
                : (allocatedAfter - allocatedBefore) / 1024.0 / done;
        return new Step(total, errors.get() + (total - errors.get() - done), done / elapsed, initiation.getIntervalHistogram(),
                e2e.getIntervalHistogram(), cpu, jit, heapMb(), commitsPerFlow, flushesPerFlow, provider.getIntervalHistogram(),
                overhead.getIntervalHistogram(), untimed.get(), errors.get(), kibPerFlow,
                new OverheadParts(late.getIntervalHistogram(), outside.getIntervalHistogram(), inside.getIntervalHistogram()));
    }

    /**
     * The named metric's duration from a Server-Timing header value (W3C Server Timing:
     * {@code name;dur=<ms>[;desc=…], …}), in nanoseconds; -1 when the header or that metric is absent
     * or its dur is not a number.
     */
    static long metricNanos(String serverTiming, String name) {
        if (serverTiming == null) return -1;
        for (String metric : serverTiming.split(",")) {
            String[] parts = metric.split(";");
            if (!parts[0].trim().equalsIgnoreCase(name)) continue;
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=", 2);
                if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("dur")) {
                    try {
                        double ms = Double.parseDouble(kv[1].trim().replace("\"", ""));
                        return ms >= 0 && Double.isFinite(ms) ? Math.round(ms * 1e6) : -1;
                    } catch (NumberFormatException e) {
                        return -1;
                    }
                }
            }
        }
        return -1;
    }

    /**
     * Closed model, the way other M-Pesa gateways are usually measured: C clients, each starting its
     * next payment as soon as the previous initiation is answered; the emulator calls back about a
     * second after each push. Complete flows per second are counted in a measured window after a
     * warm-up.
     */
    private void closedModel() throws Exception {
        int warmup = Integer.parseInt(opts.getOrDefault("warmup-seconds", "60"));
        int window = Integer.parseInt(opts.getOrDefault("window-seconds", "30"));
        System.out.printf("%n%-8s %-12s %-26s %-26s %-7s %-6s%n", "clients", "flows/s", "initiation p50/p99/max ms",
                "end-to-end p50/p99/max ms", "errors", "cpu");
        long pid = Long.parseLong(opts.getOrDefault("gateway-pid", "0"));
        for (String c : opts.getOrDefault("clients", "4,16,64").split(",")) {
            int clients = Integer.parseInt(c.trim());
            AtomicLong errors = new AtomicLong();
            Recorder initiation = new Recorder(3);
            long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + window);
            String prefix = Long.toString(stepNumber.incrementAndGet(), 36) + "c";
            AtomicLong seq = new AtomicLong();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int k = 0; k < clients; k++) {
                    pool.submit(() -> {
                        while (System.nanoTime() < stopAt) {
                            long i = seq.getAndIncrement();
                            String ref = prefix + Long.toString(i, 36);
                            long t0 = System.nanoTime();
                            intendedStart.put(ref, t0);
                            try {
                                HttpResponse<String> r = send(ref, phone(i));
                                initiation.recordValue(System.nanoTime() - t0);
                                if (r.statusCode() != 201) errors.incrementAndGet();
                                else ledger.created(ref);
                            } catch (Exception e) {
                                errors.incrementAndGet();
                            }
                        }
                        return null;
                    });
                }
                Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
                initiation.reset();
                e2e.reset();
                completed.set(0);
                errors.set(0);
                GatewayCpu cpu0 = GatewayCpu.read(pid);
                long w0 = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(window));
                double secs = (System.nanoTime() - w0) / 1e9;
                long done = completed.get();
                Histogram init = initiation.getIntervalHistogram();
                Histogram end = e2e.getIntervalHistogram();
                double cpu = pid > 0 ? GatewayCpu.read(pid).cores(cpu0, secs) : -1;
                System.out.printf("%-8d %-12.1f %-26s %-26s %-7d %-6.2f%n", clients, done / secs, pct(init), pct(end),
                        errors.get(), cpu);
            }
            Thread.sleep(3000); // let the last flows' webhooks drain before the next step
        }
    }

    private HttpRequest payment(String ref, String phone) {
        return HttpRequest.newBuilder(URI.create(gateway + "/v1/payments"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", ref)
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":\"10\",\"currency\":\"KES\","
                        + "\"phone\":\"" + phone + "\",\"reference\":\"" + ref + "\"}"))
                .build();
    }

    private HttpResponse<String> send(String ref, String phone) throws Exception {
        return http.send(payment(ref, phone), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String ref, String phone) {
        return http.sendAsync(payment(ref, phone), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A different customer for every flow: one phone can hold one M-Pesa prompt at a time (the
     * emulator answers a second one with 1001, subscriber busy). Endings 000-010 are test numbers.
     */
    static String phone(long i) {
        long n = i % 900_000;
        // Last three digits 011-999 (000-010 are test numbers), the three before them count up.
        return String.format("254708%03d%03d", n / 989, n % 989 + 11);
    }

    private HttpServer startReceiver() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        // Handled on the server's dispatcher thread: a webhook is parsed, its signature checked and
        // recorded in microseconds, and a hand-off to another thread per webhook is CPU taken from
        // the gateway this box measures. (A body still on its way holds the dispatcher, and so the
        // other connections, until it is in: on loopback that is microseconds.)
        server.setExecutor(Runnable::run);
        server.createContext("/hooks", ex -> {
            long now = System.nanoTime();
            // Sized by the declared length: readAllBytes starts with a 16 KiB buffer (JDK 25) per webhook.
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            byte[] body = length != null ? ex.getRequestBody().readNBytes(Integer.parseInt(length.trim()))
                    : ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
            JsonNode event = JSON.readTree(body);
            if (!"payment.succeeded".equals(event.path("type").asString(""))) return;
            String ref = event.path("data").path("object").path("reference").asString("");
            if (!ledger.received(ref, ex.getRequestHeaders().getFirst("Malipo-Signature"), body)) return;
            Long intended = intendedStart.remove(ref);
            if (intended != null) {
                e2e.recordValue(Math.max(0, now - intended));
                AtomicLongArray slowest = slowestBySecond;
                int second = (int) ((intended - stepStart) / 1_000_000_000L);
                if (second >= 0 && second < slowest.length()) slowest.accumulateAndGet(second, (now - intended) / 1_000_000, Math::max);
                completed.incrementAndGet();
            }
        });
        server.start();
        return server;
    }

    private void setUp(String webhookUrl) throws Exception {
        JsonNode merchant = post("/admin/merchants", "Bearer " + opts.getOrDefault("admin-token", "bench-admin"),
                "{\"name\":\"Bench merchant\"}");
        apiKey = merchant.path("test_key").asString();
        String emulator = opts.getOrDefault("emulator", "http://127.0.0.1:18091");
        post("/v1/provider_accounts", "Bearer " + apiKey, """
                {"provider":"mpesa","country":"KE","base_url":"%s","settings":{"consumer-key":"malipo-demo-key",
                 "consumer-secret":"malipo-demo-secret","short-code":"174379",
                 "passkey":"bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919"}}""".formatted(emulator));
        JsonNode endpoint = post("/v1/webhook_endpoints", "Bearer " + apiKey,
                "{\"url\":\"" + webhookUrl + "\",\"events\":[\"payment.succeeded\"]}");
        ledger = new WebhookLedger(endpoint.path("secret").asString());
    }

    private JsonNode post(String path, String auth, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", auth)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private double heapMb() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway
                    + "/actuator/metrics/jvm.memory.used?tag=area:heap")).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body()).path("measurements").get(0).path("value").asDouble() / 1_048_576;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Bytes the gateway has allocated so far; -1 without a --gateway-pid or when it cannot be read. */
    private long allocated() {
        return allocation == null ? -1 : allocation.bytes();
    }

    /** Commits in the benchmark database so far, via psql; -1 when not available. */
    private long commits() {
        return counter("select xact_commit from pg_stat_database where datname = current_database()");
    }

    /**
     * WAL flushes the whole server has made so far (PostgreSQL 14+); -1 when not available. Each
     * commit waits for one unless another's covered it: the flush, not the commit, is what a
     * commit waits on the disk for (bench/ROUNDS.md, round 24). Server-wide, so nothing else
     * should write while the benchmark runs.
     */
    private long walFlushes() {
        return counter("select wal_sync from pg_stat_wal");
    }

    private long counter(String sql) {
        List<String> out = psqlLines(sql);
        try {
            return out == null ? -1 : Long.parseLong(out.getFirst());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** {@code value} in {@code format}, or n/a for the -1 that marks a figure not available. */
    private static String orNa(String format, double value) {
        return value < 0 ? "n/a" : String.format(format, value);
    }

    /** A counter's growth per completed flow; -1 when either reading is missing or no flow completed. */
    static double perFlow(long before, long after, long flows) {
        if (before < 0 || after < 0 || flows <= 0) return -1;
        return (double) (after - before) / flows;
    }

    private static String joined(List<String> lines) {
        return lines == null ? "n/a" : lines.isEmpty() ? "none" : String.join(", ", lines);
    }

    /** A query's rows, one line each, from the benchmark database via psql; null without --db or on failure. */
    private List<String> psqlLines(String sql) {
        String db = opts.get("db");
        if (db == null) return null;
        try {
            Process p = new ProcessBuilder("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atc", sql)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? out.lines().filter(l -> !l.isBlank()).toList() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String pct(Histogram h) {
        if (h.getTotalCount() == 0) return "-";
        return String.format("%.1f/%.1f/%.1f", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6);
    }
}
