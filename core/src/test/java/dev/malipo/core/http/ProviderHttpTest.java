package dev.malipo.core.http;

import com.sun.net.httpserver.HttpServer;
import dev.malipo.core.connector.Outcome;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderHttpTest {

    private final ProviderHttp http = ProviderHttp.create(Duration.ofMillis(500), Duration.ofMillis(300));

    @Test
    void refusedConnectionIsNotSent() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        var result = http.send(http.request(URI.create("http://127.0.0.1:" + port + "/x")).GET().build());
        assertThat(result).isInstanceOfSatisfying(ProviderHttp.Exchange.Failed.class,
                f -> assertThat(f.outcome()).isInstanceOf(Outcome.NotSent.class));
    }

    @Test
    void readTimeoutAfterSendingIsUnknown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/slow", ex -> {
            try {
                release.await();
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            var result = http.send(http.request(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/slow"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(result).isInstanceOfSatisfying(ProviderHttp.Exchange.Failed.class,
                    f -> assertThat(f.outcome()).isInstanceOf(Outcome.Unknown.class));
        } finally {
            release.countDown();
            server.stop(0);
        }
    }

    @Test
    void anyAnswerIsReturnedAsIs() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/err", ex -> {
            byte[] body = "{\"oops\":1}".getBytes();
            ex.sendResponseHeaders(500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            var result = http.send(http.request(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/err")).GET().build());
            assertThat(result).isInstanceOfSatisfying(ProviderHttp.Exchange.Answered.class, a -> {
                assertThat(a.status()).isEqualTo(500);
                assertThat(a.body()).isEqualTo("{\"oops\":1}");
            });
        } finally {
            server.stop(0);
        }
    }
}
