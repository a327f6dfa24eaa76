package dev.malipo.sandbox.daraja;

import com.sun.net.httpserver.HttpExchange;
import dev.malipo.sandbox.Exchanges;
import dev.malipo.sandbox.FaultConfig;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulator's own endpoints under {@code /sandbox/admin/} (no token: they are the tester's
 * controls, not Daraja's): fault injection, what the emulator holds, and a reset.
 */
final class DarajaAdmin {
    private final DarajaContext ctx;
    private final StkPushes stk;
    private final B2cPayments b2c;

    DarajaAdmin(DarajaContext ctx, StkPushes stk, B2cPayments b2c) {
        this.ctx = ctx;
        this.stk = stk;
        this.b2c = b2c;
    }

    void handle(HttpExchange ex) throws IOException {
        String route = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
        switch (route) {
            case "GET /sandbox/admin/faults" -> Exchanges.json(ex, 200, view(ctx.faults().config()));
            case "PUT /sandbox/admin/faults" -> putFaults(ex);
            case "GET /sandbox/admin/transactions" -> {
                List<Map<String, Object>> all = new ArrayList<>(stk.snapshot());
                all.addAll(b2c.snapshot());
                Exchanges.json(ex, 200, all);
            }
            case "POST /sandbox/admin/reset" -> {
                stk.reset();
                b2c.reset();
                ctx.faults().set(ctx.config().faults());
                Exchanges.empty(ex, 204);
            }
            default -> Exchanges.json(ex, 404, Map.of("error", "no such admin endpoint: " + route));
        }
    }

    /** A PUT replaces the whole configuration: a field left out is 0. */
    private void putFaults(HttpExchange ex) throws IOException {
        FaultConfig f;
        try {
            byte[] raw = Exchanges.body(ex);
            if (raw == null) throw new IllegalArgumentException("body too large");
            JsonNode b = Exchanges.JSON.readTree(raw);
            if (b == null || !b.isObject()) throw new IllegalArgumentException("expected a JSON object");
            f = new FaultConfig(b.path("latency_ms").asLong(0), b.path("error_rate").asDouble(0),
                    b.path("rate_limit_rate").asDouble(0), b.path("duplicate_callback_rate").asDouble(0),
                    b.path("drop_callback_rate").asDouble(0));
        } catch (RuntimeException e) {
            Exchanges.json(ex, 400, Map.of("error", "invalid fault configuration: " + e.getMessage()));
            return;
        }
        ctx.faults().set(f);
        Exchanges.json(ex, 200, view(f));
    }

    static Map<String, Object> view(FaultConfig f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("latency_ms", f.latencyMs());
        m.put("error_rate", f.errorRate());
        m.put("rate_limit_rate", f.rateLimitRate());
        m.put("duplicate_callback_rate", f.duplicateCallbackRate());
        m.put("drop_callback_rate", f.dropCallbackRate());
        return m;
    }
}
