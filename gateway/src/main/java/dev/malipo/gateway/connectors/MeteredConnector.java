package dev.malipo.gateway.connectors;

import dev.malipo.core.connector.CallbackEvent;
import dev.malipo.core.connector.CallbackRejectedException;
import dev.malipo.core.connector.Capability;
import dev.malipo.core.connector.CollectRequest;
import dev.malipo.core.connector.Outcome;
import dev.malipo.core.connector.PaymentConnector;
import dev.malipo.core.connector.PayoutRequest;
import dev.malipo.core.connector.StatusQuery;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Times every provider call, tagged with provider, operation and outcome, so per-provider latency
 * and error rates (not_sent, unknown, declined) show on /actuator/prometheus as
 * {@code malipo_provider_requests_seconds}.
 */
final class MeteredConnector implements PaymentConnector {
    private final PaymentConnector delegate;
    private final MeterRegistry meters;

    MeteredConnector(PaymentConnector delegate, MeterRegistry meters) {
        this.delegate = delegate;
        this.meters = meters;
    }

    private Outcome timed(String operation, Supplier<Outcome> call) {
        long start = System.nanoTime();
        Outcome outcome = call.get();
        Timer.builder("malipo.provider.requests")
                .tag("provider", delegate.provider())
                .tag("operation", operation)
                .tag("outcome", switch (outcome) {
                    case Outcome.Succeeded s -> "succeeded";
                    case Outcome.Pending p -> "pending";
                    case Outcome.Declined d -> "declined";
                    case Outcome.NotSent n -> "not_sent";
                    case Outcome.Unknown u -> "unknown";
                })
                .publishPercentileHistogram()
                .register(meters)
                .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        return outcome;
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
        return timed("collect", () -> delegate.collect(request));
    }

    @Override
    public Outcome payout(PayoutRequest request) {
        return timed("payout", () -> delegate.payout(request));
    }

    @Override
    public Outcome queryStatus(StatusQuery query) {
        return timed("status", () -> delegate.queryStatus(query));
    }

    @Override
    public CallbackEvent parseCallback(Map<String, List<String>> headers, byte[] body) throws CallbackRejectedException {
        return delegate.parseCallback(headers, body);
    }
}
