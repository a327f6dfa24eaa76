package dev.malipo.gateway.support;

/**
 * Wall time the current request has spent inside provider calls, and in Malipo altogether, for the
 * {@code Server-Timing} header: the API layer opens a scope per request ({@link #start()}), the
 * metered connector adds each call ({@link #add(long)}), the API layer reads both before writing
 * the answer.
 *
 * <p>Per thread, because a request runs on one (virtual) thread from filter to response and the
 * provider is called on that same thread. Calls on a thread with no open scope (jobs, callbacks)
 * record nothing, so background threads never grow a thread-local. It lives in support, not
 * connectors, because connectors already depends on api and api reads this: the gateway's
 * packages must stay free of cycles (ArchitectureTest).
 */
public final class ProviderTiming {
    /**
     * [0] nanoseconds inside provider calls, [1] number of calls, [2] {@link System#nanoTime()} at
     * {@link #start()}; absent outside a request scope.
     */
    private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

    private ProviderTiming() {
    }

    /** Opens (or resets) this thread's scope: nothing recorded yet. */
    public static void start() {
        long[] acc = CURRENT.get();
        if (acc == null) {
            acc = new long[3];
            CURRENT.set(acc);
        }
        acc[0] = 0;
        acc[1] = 0;
        acc[2] = System.nanoTime();
    }

    /** Closes this thread's scope; later calls on it record nothing. */
    public static void stop() {
        CURRENT.remove();
    }

    /** Adds one provider call's duration to this thread's scope, if one is open. */
    public static void add(long nanos) {
        long[] acc = CURRENT.get();
        if (acc != null) {
            acc[0] += nanos;
            acc[1]++;
        }
    }

    /** Whether any provider call was recorded in this thread's scope since {@link #start()}. */
    public static boolean recorded() {
        long[] acc = CURRENT.get();
        return acc != null && acc[1] > 0;
    }

    /** Nanoseconds spent in provider calls since {@link #start()}; 0 when none or no scope. */
    public static long elapsedNanos() {
        long[] acc = CURRENT.get();
        return acc == null ? 0 : acc[0];
    }

    /** Nanoseconds since this thread's {@link #start()}, provider calls included; 0 when no scope. */
    public static long sinceStartNanos() {
        long[] acc = CURRENT.get();
        return acc == null ? 0 : System.nanoTime() - acc[2];
    }
}
