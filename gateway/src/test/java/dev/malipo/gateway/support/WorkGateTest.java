package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkGateTest {
    /** Each task its own thread: the common pool has one thread on two cores, and these tasks block. */
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

    private static final Duration LONG = Duration.ofSeconds(10);

    @Test
    void aNewEntryPastTheBoundIsRefusedAfterItsWait() throws Exception {
        WorkGate gate = new WorkGate(1, Duration.ofMillis(50));
        assertThat(gate.tryEnter()).isTrue();
        long t0 = System.nanoTime();
        Boolean second = CompletableFuture.supplyAsync(() -> enter(gate), VIRTUAL).get(5, TimeUnit.SECONDS);
        assertThat(second).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
        assertThat(gate.waiting()).isZero();
        gate.leave();
        assertThat(gate.active()).isZero();
    }

    @Test
    void workFinishingGoesAheadOfNewWork() throws Exception {
        WorkGate gate = new WorkGate(1, LONG);
        assertThat(gate.tryEnter()).isTrue();
        LinkedBlockingQueue<String> order = new LinkedBlockingQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch go = new CountDownLatch(1);
            Future<?> fresh = threads.submit(() -> {
                if (enter(gate)) {
                    order.add("new");
                    gate.leave();
                }
            });
            Await.until("the new entry queued", LONG, () -> gate.waiting() == 1);
            Future<?> urgent = threads.submit(() -> {
                gate.enterUrgently();
                order.add("urgent");
                await(go);
                gate.leave();
            });
            Await.until("the urgent entry queued", LONG, () -> gate.waiting() == 2);

            gate.leave();
            assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("urgent");
            // The new entry still waits: the one permit is the urgent one's.
            assertThat(gate.waiting()).isEqualTo(1);
            assertThat(gate.active()).isEqualTo(1);
            go.countDown();
            assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("new");
            urgent.get(5, TimeUnit.SECONDS);
            fresh.get(5, TimeUnit.SECONDS);
        }
        assertThat(gate.active()).isZero();
    }

    @Test
    void callbacksAndNewWorkTakeTurnsAndACallbackWaitsPastANewEntrysWait() throws Exception {
        WorkGate gate = new WorkGate(1, LONG);
        assertThat(gate.tryEnter()).isTrue();
        LinkedBlockingQueue<String> order = new LinkedBlockingQueue<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                all.add(threads.submit(() -> {
                    if (enter(gate)) {
                        order.add("new");
                        gate.leave();
                    } else {
                        order.add("new refused");
                    }
                }));
                int queued = i + 1;
                Await.until("new entry queued", LONG, () -> gate.waiting() == queued);
            }
            for (int i = 0; i < 2; i++) {
                all.add(threads.submit(() -> {
                    gate.enter();
                    order.add("callback");
                    gate.leave();
                }));
                int queued = i + 3;
                Await.until("callback queued", LONG, () -> gate.waiting() == queued);
            }
            gate.leave();
            List<String> served = new ArrayList<>();
            for (int i = 0; i < 4; i++) served.add(order.poll(5, TimeUnit.SECONDS));
            // New work had the last turn (the holder), so a callback goes next, though it queued later.
            assertThat(served).containsExactly("callback", "new", "callback", "new");
            for (Future<?> f : all) f.get(5, TimeUnit.SECONDS);

            // Past a new entry's wait, a callback is still let in.
            WorkGate quick = new WorkGate(1, Duration.ofMillis(50));
            assertThat(quick.tryEnter()).isTrue();
            Future<?> late = threads.submit(() -> {
                quick.enter();
                order.add("late callback");
                quick.leave();
            });
            assertThat(order.poll(200, TimeUnit.MILLISECONDS)).isNull(); // four times a new entry's wait
            quick.leave();
            assertThat(order.poll(5, TimeUnit.SECONDS)).isEqualTo("late callback");
            late.get(5, TimeUnit.SECONDS);
            assertThat(quick.active()).isZero();
        }
        assertThat(gate.active()).isZero();
    }

    @Test
    void aCallAwayGivesThePermitToOthersAndTakesItBack() throws Exception {
        WorkGate gate = new WorkGate(1, Duration.ofMillis(200));
        assertThat(gate.tryEnter()).isTrue();
        String answer = gate.awayWhile(() -> {
            // Meanwhile the one permit is free for someone else.
            Boolean other = CompletableFuture.supplyAsync(() -> {
                boolean in = enter(gate);
                if (in) gate.leave();
                return in;
            }, VIRTUAL).join();
            assertThat(other).isTrue();
            return "answered";
        });
        assertThat(answer).isEqualTo("answered");
        assertThat(gate.active()).isEqualTo(1);
        assertThat(CompletableFuture.supplyAsync(() -> enter(gate), VIRTUAL).get(5, TimeUnit.SECONDS)).isFalse();
        gate.leave();
    }

    @Test
    void awayWhileWithoutAPermitJustCalls() {
        WorkGate gate = new WorkGate(1, Duration.ofMillis(10));
        assertThat(gate.awayWhile(() -> gate.active())).isZero();
        assertThat(gate.active()).isZero();
        assertThatThrownBy(gate::leave).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void neverMoreInsideThanThePermitsUnderContention() throws Exception {
        WorkGate gate = new WorkGate(4, LONG);
        AtomicInteger working = new AtomicInteger(); // threads holding a permit
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> all = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                int kind = i % 3;
                all.add(threads.submit(() -> {
                    if (kind == 0) gate.enterUrgently();
                    else if (kind == 1) gate.enter();
                    else if (!enter(gate)) return;
                    most.accumulateAndGet(working.incrementAndGet(), Math::max);
                    Thread.yield();
                    working.decrementAndGet();
                    gate.awayWhile(() -> {
                        Thread.yield();
                        return null;
                    });
                    most.accumulateAndGet(working.incrementAndGet(), Math::max);
                    Thread.yield();
                    working.decrementAndGet();
                    gate.leave();
                    done.incrementAndGet();
                }));
            }
            for (Future<?> f : all) f.get(30, TimeUnit.SECONDS);
        }
        assertThat(done).hasValue(200);
        assertThat(most.get()).isBetween(1, 4);
        assertThat(gate.active()).isZero();
        assertThat(gate.waiting()).isZero();
    }

    private static boolean enter(WorkGate gate) {
        try {
            return gate.tryEnter();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
