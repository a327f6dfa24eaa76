package dev.malipo.sandbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs a simulated customer's actions after a delay scaled by a speed factor, so a person trying
 * the sandbox sees real-world timings (factor 1.0) while tests see none (factor 0).
 *
 * <p>The timer threads only hand work over: actions run on virtual threads because they post
 * callbacks, and one slow callback receiver must not hold up every other customer.
 */
public final class DelayScheduler implements AutoCloseable {
    private static final System.Logger log = System.getLogger(DelayScheduler.class.getName());

    private final double speedFactor;
    private final boolean instant;
    private final ScheduledExecutorService timers =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sandbox-timer").daemon().factory());

    /**
     * @param speedFactor multiplies every scaled delay; 0 makes customers answer at once
     * @param instant     a zero delay runs the action on the caller's thread, i.e. before the
     *                    request that triggered it is answered — the order a gateway must survive
     */
    public DelayScheduler(double speedFactor, boolean instant) {
        if (speedFactor < 0 || Double.isNaN(speedFactor)) throw new IllegalArgumentException("speedFactor must be >= 0");
        this.speedFactor = speedFactor;
        this.instant = instant;
    }

    public double speedFactor() {
        return speedFactor;
    }

    public boolean instant() {
        return instant;
    }

    /** A customer delay as this emulator plays it: {@code delay × speedFactor}, zero in instant mode. */
    public Duration scale(Duration delay) {
        if (instant || speedFactor == 0) return Duration.ZERO;
        return Duration.ofNanos((long) (delay.toNanos() * speedFactor));
    }

    /** Runs {@code action} after {@code delay} (already scaled, or deliberately unscaled). */
    public void after(Duration delay, Runnable action) {
        if (delay.isZero() && instant) {
            guarded(action);
            return;
        }
        if (timers.isShutdown()) return;
        try {
            timers.schedule(() -> Thread.ofVirtual().name("sandbox-customer").start(() -> guarded(action)),
                    Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed while a request was in flight: the emulator is going away, so is the customer.
        }
    }

    private static void guarded(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "simulated customer action failed", e);
        }
    }

    /** Pending actions are dropped: a stopped emulator calls nobody back. */
    @Override
    public void close() {
        timers.shutdownNow();
    }
}
