package dev.malipo.gateway.api;

import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.WorkGate;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets in only what the gateway can carry, and refuses the rest at once with 503 {@code overloaded}
 * and Retry-After, before anything is written or sent (so a retry with the same Idempotency-Key is
 * always safe). Two bounds:
 * <ul>
 *   <li>payments and payouts being created at once, those waiting on the provider included: each
 *       holds memory for as long as the provider takes (Daraja's STK push answers in 1-3 s), so this
 *       is sized for the provider's latency;</li>
 *   <li>merchant API requests and provider callbacks doing work at once ({@link WorkGate}): a new
 *       request waits for its turn a moment, then is refused; a callback waits as long as it
 *       takes (a provider does not always send it again), taking turns with new requests.</li>
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AdmissionFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(AdmissionFilter.class);

    private final Semaphore creating;
    private final int createLimit;
    private final WorkGate work;
    private final JsonMapper json;
    private final AtomicLong refused = new AtomicLong();

    AdmissionFilter(MalipoProperties properties, WorkGate work, JsonMapper json) {
        this.createLimit = properties.api().maxConcurrentCreates();
        this.creating = new Semaphore(createLimit);
        this.work = work;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/v1/") && !path.startsWith("/callbacks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getRequestURI().startsWith("/callbacks/")) {
            work.enter();
            try {
                chain.doFilter(request, response);
            } finally {
                work.leave();
            }
            return;
        }
        boolean create = CreateRequests.isCreate(request);
        if (create && !creating.tryAcquire()) {
            refuse(response, "%d payments and payouts are being created (malipo.api.max-concurrent-creates)".formatted(createLimit));
            return;
        }
        try {
            if (!tryEnter()) {
                refuse(response, "no turn to work within %d ms (malipo.api.max-concurrent-work %d, malipo.api.max-work-wait)"
                        .formatted(work.maxWait().toMillis(), work.permits()));
                return;
            }
            try {
                chain.doFilter(request, response);
            } finally {
                work.leave();
            }
        } finally {
            if (create) creating.release();
        }
    }

    private boolean tryEnter() throws ServletException {
        try {
            return work.tryEnter();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServletException("interrupted while waiting to be let in", e);
        }
    }

    // Written here, before Spring MVC, but the same problem+json ProblemHandler gives.
    private void refuse(HttpServletResponse response, String why) throws IOException {
        if (refused.getAndIncrement() % 1000 == 0) {
            log.warn("overloaded: {}; refusing with 503 (logged once per 1000)", why);
        }
        ResponseEntity<ProblemDetail> r = ProblemHandler.render(new ApiException.Overloaded("overloaded",
                "Malipo is handling as many requests as it is configured to; nothing was done, retry shortly"));
        ProblemDetail p = r.getBody();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", String.valueOf(p.getType()));
        body.put("title", p.getTitle());
        body.put("status", p.getStatus());
        body.put("detail", p.getDetail());
        if (p.getProperties() != null) body.putAll(p.getProperties());
        response.setStatus(r.getStatusCode().value());
        r.getHeaders().forEach((name, values) -> values.forEach(v -> response.addHeader(name, v)));
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
