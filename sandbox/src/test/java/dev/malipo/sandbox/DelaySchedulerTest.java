package dev.malipo.sandbox;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DelaySchedulerTest {

    @Test
    void scalesDelaysBySpeedFactor() {
        try (DelayScheduler real = new DelayScheduler(1.0, false);
             DelayScheduler fast = new DelayScheduler(0.01, false);
             DelayScheduler zero = new DelayScheduler(0, false);
             DelayScheduler instant = new DelayScheduler(1.0, true)) {
            assertThat(real.scale(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
            assertThat(fast.scale(Duration.ofSeconds(30))).isEqualTo(Duration.ofMillis(300));
            assertThat(zero.scale(Duration.ofSeconds(30))).isZero();
            assertThat(instant.scale(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void instantRunsOnTheCallersThreadOthersOnAVirtualThread() throws Exception {
        try (DelayScheduler instant = new DelayScheduler(1.0, true); DelayScheduler zero = new DelayScheduler(0, false)) {
            AtomicReference<Thread> ran = new AtomicReference<>();
            instant.after(Duration.ZERO, () -> ran.set(Thread.currentThread()));
            assertThat(ran.get()).isSameAs(Thread.currentThread());

            CountDownLatch done = new CountDownLatch(1);
            zero.after(Duration.ZERO, () -> {
                ran.set(Thread.currentThread());
                done.countDown();
            });
            assertThat(done.await(2, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.get().isVirtual()).isTrue();
        }
    }

    @Test
    void aClosedSchedulerRunsNothing() throws Exception {
        DelayScheduler s = new DelayScheduler(1.0, false);
        CountDownLatch ran = new CountDownLatch(1);
        s.after(Duration.ofMillis(50), ran::countDown);
        s.close();
        s.after(Duration.ZERO, ran::countDown);
        assertThat(ran.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }
}
