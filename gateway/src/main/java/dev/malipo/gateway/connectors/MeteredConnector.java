package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Capability;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.StatusQuery;
import dev.malipo.gateway.support.ProviderTiming;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Times every provider call, tagged with provider, operation and outcome, so per-provider latency
 * and error rates (not_sent, unknown, declined) show on /actuator/prometheus as
 * {@code malipo_provider_requests_seconds}; and adds each call's time to the current request's
 * {@link ProviderTiming}, which the API reports as {@code Server-Timing: provider;dur=…}.
 */
final class MeteredConnector implements PaymentConnector {
    private enum Operation {
        COLLECT, PAYOUT, STATUS;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    private static final String[] OUTCOMES = {"succeeded", "pending", "declined", "not_sent", "unknown"};

    private final PaymentConnector delegate;
    private final MeterRegistry meters;
    /**
     * One timer per operation × outcome, looked up without building a Timer (and its id and tags)
     * on every call. Filled on first use rather than up front, so /actuator/prometheus shows only
     * the series that occurred, as before.
     */
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(Operation.values().length * OUTCOMES.length);

    MeteredConnector(PaymentConnector delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    private Outcome timed(Operation operation, Supplier<Outcome> call) {
        long start = System.nanoTime();
        Outcome outcome = null;
        try {
            outcome = call.get();
            return outcome;
        } finally {
            long elapsed = System.nanoTime() - start;
            // Also when the call throws: the request waited that long all the same (Server-Timing).
            ProviderTiming.add(elapsed);
            if (outcome != null) timer(operation, outcomeIndex(outcome)).record(elapsed, TimeUnit.NANOSECONDS);
        }
    }

    private static int outcomeIndex(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Succeeded s -> 0;
            case Outcome.Pending p -> 1;
            case Outcome.Declined d -> 2;
            case Outcome.NotSent n -> 3;
            case Outcome.Unknown u -> 4;
        };
    }

    private Timer timer(Operation operation, int outcome) {
        int slot = operation.ordinal() * OUTCOMES.length + outcome;
        Timer timer = timers.get(slot);
        if (timer == null) {
            // Two threads racing here both register; the registry hands them the same meter.
            timer = Timer.builder("malipo.provider.requests")
                    .tag("provider", delegate.provider())
                    .tag("operation", operation.tag)
                    .tag("outcome", OUTCOMES[outcome])
                    .publishPercentileHistogram()
                    .register(meters);
            timers.set(slot, timer);
        }
        return timer;
    }

    @Override
    public String provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> capabilities() {
        return delegate.capabilities();
    }

    @Override
    public void validate(CollectRequest request) {
        delegate.validate(request);
    }

    @Override
    public void validate(PayoutRequest request) {
        delegate.validate(request);
    }

    @Override
    public Outcome collect(CollectRequest request) {
        return timed(Operation.COLLECT, () -> delegate.collect(request));
    }

    @Override
    public Outcome payout(PayoutRequest request) {
        return timed(Operation.PAYOUT, () -> delegate.payout(request));
    }

    @Override
    public Outcome queryStatus(StatusQuery query) {
        return timed(Operation.STATUS, () -> delegate.queryStatus(query));
    }

    @Override
    public CallbackEvent parseCallback(Map<String, List<String>> headers, byte[] body) throws CallbackRejectedException {
        return delegate.parseCallback(headers, body);
    }
}
