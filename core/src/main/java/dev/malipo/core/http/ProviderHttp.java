package dev.malipo.core.http;

import dev.malipo.core.connector.Outcome;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one place where connectors meet the network. It classifies transport failures once, by
 * exception type: a request that provably never left (refused, unresolvable, connect timeout) is
 * {@link Outcome.NotSent}; one that may have reached the provider (read timeout, reset after
 * sending) is {@link Outcome.Unknown}. Retries happen only for the former.
 */
public final class ProviderHttp {

    /** Either the provider answered (any status), or the exchange failed in a classified way. */
    public sealed interface Exchange {
        record Answered(int status, HttpHeaders headers, String body) implements Exchange {
            public boolean is2xx() {
                return status >= 200 && status < 300;
            }
        }

        record Failed(Outcome outcome, Throwable cause) implements Exchange {
        }
    }

    private final HttpClient client;
    private final Duration requestTimeout;
    private final int maxAttemptsWhenNotSent;
    private final Duration baseBackoff;

    public ProviderHttp(HttpClient client, Duration requestTimeout, int maxAttemptsWhenNotSent, Duration baseBackoff) {
        this.client = client;
        this.requestTimeout = requestTimeout;
        this.maxAttemptsWhenNotSent = Math.max(1, maxAttemptsWhenNotSent);
        this.baseBackoff = baseBackoff;
    }

    public static ProviderHttp create(Duration connectTimeout, Duration requestTimeout) {
        return new ProviderHttp(newClient(connectTimeout), requestTimeout, 3, Duration.ofMillis(100));
    }

    /** An HTTP/1.1 client that never follows redirects, as the gateway's outgoing calls want it. */
    public static HttpClient newClient(Duration connectTimeout) {
        // Its internal steps (parsing a small answer, completing the exchange) run inline on the
        // thread that reaches them instead of being handed to a worker pool: one thread hop less per
        // request in each direction. Nothing blocking runs there — the body handlers are the JDK's.
        return HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Runnable::run)
                .build();
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** A request builder with this helper's timeout already set. */
    public HttpRequest.Builder request(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout);
    }

    /**
     * Sends {@code request}; re-sends the same immutable request only while it provably never left
     * (so a retry can never charge twice), with capped, jittered backoff.
     */
    public Exchange send(HttpRequest request) {
        Exchange last = null;
        for (int attempt = 1; attempt <= maxAttemptsWhenNotSent; attempt++) {
            last = sendOnce(request);
            if (!(last instanceof Exchange.Failed f) || !(f.outcome() instanceof Outcome.NotSent)) {
                return last;
            }
            if (attempt < maxAttemptsWhenNotSent && !sleepBackoff(attempt)) {
                break;
            }
        }
        return last;
    }

    private Exchange sendOnce(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Exchange.Answered(response.statusCode(), response.headers(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Exchange.Failed(new Outcome.Unknown(null, "interrupted while waiting for the provider"), e);
        } catch (IOException | RuntimeException e) {
            return new Exchange.Failed(classify(e), e);
        }
    }

    /** Visible for tests: the exception-type rules, in one place. */
    public static Outcome classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return new Outcome.NotSent("connect timeout");
            }
            if (t instanceof ConnectException) {
                return new Outcome.NotSent("connection refused");
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new Outcome.NotSent("provider host cannot be resolved");
            }
        }
        if (e instanceof HttpTimeoutException) {
            return new Outcome.Unknown(null, "timed out waiting for the provider's answer");
        }
        return new Outcome.Unknown(null, "connection failed after the request may have been sent: "
                + e.getClass().getSimpleName());
    }

    private boolean sleepBackoff(int attempt) {
        long cap = baseBackoff.toMillis() * (1L << Math.min(attempt - 1, 6));
        long jittered = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        try {
            Thread.sleep(jittered);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
