package dev.malipo.gateway.support;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Bounds the requests doing work at once — using the CPU or a database connection — as opposed to
 * those waiting on a provider, which hold neither.
 *
 * <p>Why: every request runs on a virtual thread, and virtual threads share the few cores in
 * turn. With hundreds runnable, a thread holding a database connection waits behind all of them
 * after each round trip, its transaction stretches, the pool runs dry and everyone times out:
 * past its limit the gateway used to collapse (bench/ROUNDS.md, round 5) instead of refusing the excess.
 * With the work bounded, a connection holder competes with a few dozen threads at most, and what
 * cannot be served within {@code maxWait} is refused before anything is written.
 *
 * <p>Three lines, served in this order when a permit comes free:
 * <ol>
 *   <li>{@link #enterUrgently}: a payment coming back from its provider call. The provider has
 *       acted; storing its answer is what lets the payment finish. There is at most one such
 *       entry per payment being created, so the other lines cannot starve behind it.</li>
 *   <li>{@link #enter} (a provider's callback, which must not be refused: not every provider sends
 *       it again) and {@link #tryEnter} (new work: a new payment, a read; it gives up after
 *       {@code maxWait}) take turns while both wait. Callbacks finish payments, so they should
 *       not wait behind a second of new ones (with instant callbacks, the provider's own answer
 *       waits on them); but served strictly first, in bench/flows' closed model they kept new
 *       payments out for a whole second at a time.</li>
 * </ol>
 *
 * <p>The permit belongs to the thread that entered; {@link #awayWhile} gives it back for a call
 * that only waits (a provider's answer) and takes it again, urgently, after.
 */
public final class WorkGate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition urgentTurn = lock.newCondition();
    private final Condition callbackTurn = lock.newCondition();
    private final Condition newTurn = lock.newCondition();
    private final int permits;
    private final Duration maxWait;
    private int free;
    private int urgentWaiting;
    private int callbacksWaiting;
    private int newWaiting;
    /** Whose turn it is when callbacks and new work both wait. */
    private boolean newWorksNext;
    private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

    public WorkGate(int permits, Duration maxWait) {
        if (permits <= 0) throw new IllegalArgumentException("permits must be positive");
        this.permits = permits;
        this.free = permits;
        this.maxWait = maxWait;
    }

    public int permits() {
        return permits;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /** @return false when no permit came free within {@code maxWait}: refuse the request */
    public boolean tryEnter() throws InterruptedException {
        long nanos = maxWait.toNanos();
        lock.lock();
        try {
            newWaiting++;
            try {
                while (!newMayEnter()) {
                    if (nanos <= 0) {
                        newWaiting--;
                        passOn(); // with no new work left waiting, it may be a callback's turn
                        return false;
                    }
                    nanos = newTurn.awaitNanos(nanos);
                }
            } catch (InterruptedException e) {
                newWaiting--;
                passOn();
                throw e;
            }
            newWaiting--;
            newWorksNext = false;
            take();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for its turn as long as it takes. Not interruptible: what it brings in must be handled. */
    public void enter() {
        lock.lock();
        try {
            callbacksWaiting++;
            try {
                while (!callbackMayEnter()) {
                    callbackTurn.awaitUninterruptibly();
                }
            } finally {
                callbacksWaiting--;
            }
            newWorksNext = true;
            take();
        } finally {
            lock.unlock();
        }
    }

    /** Waits as long as it takes, ahead of both lines. Not interruptible: what it finishes must finish. */
    public void enterUrgently() {
        lock.lock();
        try {
            urgentWaiting++;
            try {
                while (free == 0) {
                    urgentTurn.awaitUninterruptibly();
                }
            } finally {
                urgentWaiting--;
            }
            take();
        } finally {
            lock.unlock();
        }
    }

    public void leave() {
        lock.lock();
        try {
            if (!holding.get()) throw new IllegalStateException("this thread holds no permit");
            holding.set(false);
            free++;
            passOn();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a call that only waits (on a provider) without the calling thread's permit, if it holds
     * one, and takes it back urgently after. Never call it inside a transaction: a connection held
     * while waiting for a permit could wait on the permits held by those waiting for connections.
     */
    public <T> T awayWhile(Supplier<T> call) {
        if (!holding.get()) return call.get();
        leave();
        try {
            return call.get();
        } finally {
            enterUrgently();
        }
    }

    /** Permits in use now. */
    public int active() {
        lock.lock();
        try {
            return permits - free;
        } finally {
            lock.unlock();
        }
    }

    /** Entries waiting for a permit now. */
    public int waiting() {
        lock.lock();
        try {
            return urgentWaiting + callbacksWaiting + newWaiting;
        } finally {
            lock.unlock();
        }
    }

    private boolean newMayEnter() {
        return free > 0 && urgentWaiting == 0 && (callbacksWaiting == 0 || newWorksNext);
    }

    private boolean callbackMayEnter() {
        return free > 0 && urgentWaiting == 0 && (newWaiting == 0 || !newWorksNext);
    }

    private void take() {
        free--;
        holding.set(true);
        passOn();
    }

    /** Wakes the next in line, if a permit is free for it. */
    private void passOn() {
        if (free == 0) return;
        if (urgentWaiting > 0) {
            urgentTurn.signal();
        } else if (callbacksWaiting > 0 && callbackMayEnter()) {
            callbackTurn.signal();
        } else if (newWaiting > 0 && newMayEnter()) {
            newTurn.signal();
        }
    }
}
