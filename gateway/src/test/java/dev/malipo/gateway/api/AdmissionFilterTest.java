package dev.malipo.gateway.api;

import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.MalipoProperties;
import dev.malipo.gateway.support.WorkGate;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Past its bound the gateway refuses new payments at once, untouched, instead of piling them up. */
class AdmissionFilterTest {
    /** Each task its own thread: the common pool has one thread on two cores, and these tasks block. */
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

    private final JsonMapper json = JsonMapper.builder().build();
    private final AdmissionFilter filter = filter(1, new WorkGate(4, Duration.ofSeconds(5)));

    private AdmissionFilter filter(int maxCreates, WorkGate gate) {
        return new AdmissionFilter(new MalipoProperties(null, null, null, null, null, null, null, null,
                new MalipoProperties.Api(maxCreates, null, gate.permits(), gate.maxWait())), gate, json);
    }

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
        }, VIRTUAL);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(post("/v1/payouts"), refused, (rq, rs) -> reached.incrementAndGet());
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(json.readTree(refused.getContentAsByteArray()).path("code").asString()).isEqualTo("overloaded");
        assertThat(reached).hasValue(1);

        // Reads are not counted as creations.
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

    @Test
    void pastTheWorkBoundANewRequestIsRefusedButACallbackWaitsItsTurn() throws Exception {
        WorkGate gate = new WorkGate(1, Duration.ofMillis(50));
        AdmissionFilter filter = filter(100, gate);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger reached = new AtomicInteger();
        CompletableFuture<Void> working = CompletableFuture.runAsync(() -> pass(filter, new MockHttpServletRequest("GET", "/v1/payments"),
                new MockHttpServletResponse(), () -> {
                    inside.countDown();
                    await(release);
                }), VIRTUAL);
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();

        MockHttpServletResponse refused = new MockHttpServletResponse();
        filter.doFilter(post("/v1/payments"), refused, (rq, rs) -> reached.incrementAndGet());
        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(json.readTree(refused.getContentAsByteArray()).path("code").asString()).isEqualTo("overloaded");
        assertThat(reached).hasValue(0);

        // A provider's callback is not refused: it waits (longer than a new request would) and goes in.
        MockHttpServletResponse callbackAnswer = new MockHttpServletResponse();
        CompletableFuture<Void> callback = CompletableFuture.runAsync(() -> pass(filter, post("/callbacks/tok_1"), callbackAnswer,
                reached::incrementAndGet), VIRTUAL);
        Await.until("the callback queued", Duration.ofSeconds(5), () -> gate.waiting() == 1);
        Thread.sleep(100); // twice a new request's wait: still queued, not refused
        assertThat(callback).isNotDone();
        release.countDown();
        callback.get(5, TimeUnit.SECONDS);
        working.get(5, TimeUnit.SECONDS);
        assertThat(callbackAnswer.getStatus()).isEqualTo(200);
        assertThat(reached).hasValue(1);
        assertThat(gate.active()).isZero();
    }

    private static void pass(AdmissionFilter filter, MockHttpServletRequest request, MockHttpServletResponse response, Runnable inside) {
        try {
            filter.doFilter(request, response, (rq, rs) -> inside.run());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MockHttpServletRequest post(String path) {
        MockHttpServletRequest r = new MockHttpServletRequest("POST", path);
        r.setRequestURI(path);
        return r;
    }
}
