package dev.malipo.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts a provider callback the way providers do: once, 10 s timeout, no retry. */
public final class CallbackSender {
    private static final System.Logger log = System.getLogger(CallbackSender.class.getName());
    // The client's internal steps run inline rather than on a worker pool (one thread hop less per
    // callback); the body handler is the JDK's own, which never blocks.
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).executor(Runnable::run).build();

    /** @return the HTTP status, or -1 when the receiver could not be reached */
    public int post(URI url, String json) {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            log.log(System.Logger.Level.DEBUG, "callback to {0}: HTTP {1}", redacted(url), status);
            return status;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            log.log(System.Logger.Level.INFO, "callback to {0} failed: {1}", redacted(url), e.toString());
            return -1;
        }
    }

    /**
     * Where a callback went, without its path: receivers put an unguessable token in the path
     * (Daraja does not sign callbacks), and that token is a secret.
     */
    public static String redacted(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + "/…";
    }
}
