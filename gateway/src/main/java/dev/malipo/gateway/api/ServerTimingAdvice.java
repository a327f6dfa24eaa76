package dev.malipo.gateway.api;

import dev.malipo.gateway.support.ProviderTiming;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code Server-Timing: provider;dur=<ms>, app;dur=<ms>} on every payment or payout initiation
 * answer that called a provider, so a merchant (or bench/flows' overhead mode) can tell the
 * provider's share of the latency from Malipo's own, and both from what happened before the
 * request reached Malipo or after its answer left (the network, the client, queues in front).
 * {@code app} runs from the request entering Malipo's first filter to this header, provider time
 * included. The header goes in here, just before the body is written, because headers cannot be
 * added once the response is committed; the {@link RequestScope} filter opens the per-request
 * accumulator the connector adds to.
 */
@ControllerAdvice
public final class ServerTimingAdvice implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        // Nothing recorded (no scope, a validation error, an idempotent replay): no header, rather
        // than a misleading dur=0.
        if (ProviderTiming.recorded()) {
            response.getHeaders().set("Server-Timing", header(ProviderTiming.elapsedNanos(), ProviderTiming.sinceStartNanos()));
        }
        return body;
    }

    static String header(long providerNanos, long appNanos) {
        return String.format(Locale.ROOT, "provider;dur=%.3f, app;dur=%.3f", providerNanos / 1e6, appNanos / 1e6);
    }

    /**
     * Opens a fresh accumulator for each initiation request and drops it afterwards: Tomcat may run
     * several keep-alive requests on one thread, and nothing may carry over between them. First of
     * all filters, so that {@code app} holds the wait for a turn to work (AdmissionFilter) too.
     */
    @Component
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static final class RequestScope extends OncePerRequestFilter {
        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !CreateRequests.isCreate(request);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            ProviderTiming.start();
            try {
                chain.doFilter(request, response);
            } finally {
                ProviderTiming.stop();
            }
        }
    }
}
