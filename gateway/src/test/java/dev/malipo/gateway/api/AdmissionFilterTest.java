package dev.malipo.gateway.api;

import dev.malipo.gateway.support.MalipoProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Past its bound the gateway refuses new payments at once, untouched, instead of piling them up. */
class AdmissionFilterTest {
    private final JsonMapper json = JsonMapper.builder().build();
    private final AdmissionFilter filter = new AdmissionFilter(new MalipoProperties(null, null, null, null, null, null, null, null,
            new MalipoProperties.Api(1, null)), json);

    @Test
    void aPaymentPastTheBoundIsRefusedWith503AndReachesNothing() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reached = new AtomicInteger();
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
            try {
                filter.doFilter(post("/v1/payments"), new MockHttpServletResponse(), (rq, rs) -> {
                    reached.incrementAndGet();
                    inside.countDown();
                    try {
                        release.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(post("/v1/payouts"), refused, (rq, rs) -> reached.incrementAndGet());
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(json.readTree(refused.getContentAsByteArray()).path("code").asString()).isEqualTo("overloaded");
        assertThat(reached).hasValue(1);

        // Reads and callbacks are not counted.
        MockHttpServletResponse read = new MockHttpServletResponse();
        MockHttpServletRequest get = new MockHttpServletRequest("GET", "/v1/payments");
        filter.doFilter(get, read, (rq, rs) -> reached.incrementAndGet());
        assertThat(reached).hasValue(2);

        release.countDown();
        first.get(5, TimeUnit.SECONDS);
        MockHttpServletResponse after = new MockHttpServletResponse();
        filter.doFilter(post("/v1/payments"), after, (rq, rs) -> reached.incrementAndGet());
        assertThat(after.getStatus()).isEqualTo(200);
        assertThat(reached).hasValue(3);
    }

    private static MockHttpServletRequest post(String path) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", path);
        r.setRequestURI(path);
        return r;
    }
}
