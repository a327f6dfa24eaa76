package dev.malipo.gateway.api;

import dev.malipo.gateway.support.MalipoProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the payments and payouts being created at once. Every request runs on a virtual thread,
 * so nothing else would stop an overload from piling up requests (each holding memory and
 * queueing for a database connection) until the gateway runs out of heap and fails them all.
 * Past the bound the request is refused at once with 503 {@code overloaded} and Retry-After,
 * before anything is written or sent, so a retry with the same Idempotency-Key is always safe.
 * The bound counts requests waiting on the provider too, so it is sized for the provider's
 * latency (Daraja's STK push answers in 1-3 s), not for the database pool.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdmissionFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(AdmissionFilter.class);

    private final Semaphore slots;
    private final int limit;
    private final JsonMapper json;
    private final AtomicLong refused = new AtomicLong();

    AdmissionFilter(MalipoProperties properties, JsonMapper json) {
        this.limit = properties.api().maxConcurrentCreates();
        this.slots = new Semaphore(limit);
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !CreateRequests.isCreate(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!slots.tryAcquire()) {
            if (refused.getAndIncrement() % 1000 == 0) {
                log.warn("overloaded: {} payments being created at once (malipo.api.max-concurrent-creates); refusing with 503",
                        limit);
            }
            // Written here, before Spring MVC: the same problem+json shape ProblemHandler gives.
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("type", "https://malipo.dev/problems/overloaded");
            problem.put("title", "Service Unavailable");
            problem.put("status", 503);
            problem.put("detail", "Malipo is handling as many payments as it is configured to; nothing was done, retry shortly");
            problem.put("code", "overloaded");
            response.setStatus(503);
            response.setHeader("Retry-After", "1");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            response.getOutputStream().write(json.writeValueAsBytes(problem));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            slots.release();
        }
    }
}
