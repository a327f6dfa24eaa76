package dev.malipo.gateway.devmode;

import dev.malipo.gateway.MalipoApplication;
import dev.malipo.gateway.support.ApiClient;
import dev.malipo.gateway.support.Await;
import dev.malipo.gateway.support.PostgresTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dev mode as `./malipo dev` runs it — its own JVM, the dev profile's H2 file database — stopped
 * the way Ctrl-C or a container stop does it (SIGTERM, so the JVM's shutdown hooks run): the stop
 * is clean, nothing logged as an error, and what was committed is there at the next start.
 * In-process tests cannot see this: the database's own shutdown hook only runs as a JVM exits.
 */
class DevModeShutdownTest {
    private static final String DEMO_KEY = "sk_test_demo_malipo_dev_only_key_000000000001";

    @TempDir
    Path workDir;

    @Test
    void aStoppedDevGatewayShutsDownCleanlyAndKeepsItsPayments() throws Exception {
        int port = PostgresTestBase.freePort();
        ApiClient api = new ApiClient("http://127.0.0.1:" + port, DEMO_KEY);

        String paymentId;
        Process first = start(port, "first.log");
        try {
            awaitReady(first, "first.log");
            ApiClient.Response created = api.post("/v1/payments",
                    "{\"amount\":\"100\",\"currency\":\"KES\",\"phone\":\"0708374149\"}", UUID.randomUUID().toString());
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            paymentId = created.text("id");
            // Settled, and its webhook to the dev inbox attempted: the jobs have used the database.
            Await.until("payment settled", Duration.ofSeconds(20),
                    () -> "succeeded".equals(api.get("/v1/payments/" + paymentId).text("status")));
            Await.until("webhook delivered to the dev inbox", Duration.ofSeconds(20),
                    () -> api.get("/dev/webhooks").body().contains(paymentId));
        } finally {
            first.destroy(); // SIGTERM
        }
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).as("exited within 30 s of SIGTERM").isTrue();
        List<String> errors = Files.readAllLines(workDir.resolve("first.log")).stream()
                .filter(line -> line.contains(" ERROR ") || line.contains("Exception")).toList();
        assertThat(errors).as("errors logged while stopping").isEmpty();

        Process second = start(port, "second.log");
        try {
            awaitReady(second, "second.log");
            ApiClient.Response again = api.get("/v1/payments/" + paymentId);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.text("status")).isEqualTo("succeeded");
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The gateway in its own JVM with this test's class path, working in a fresh directory (./data). */
    private Process start(int port, String log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                MalipoApplication.class.getName(), "--spring.profiles.active=dev",
                "--server.port=" + port, "--malipo.dev.emulator-port=" + PostgresTestBase.freePort())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve(log).toFile())
                .start();
    }

    private void awaitReady(Process process, String log) {
        Await.until("dev mode printed its test key", Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) throw new AssertionError("gateway exited; see " + workDir.resolve(log));
            try {
                return Files.readString(workDir.resolve(log)).contains("Test API key");
            } catch (IOException e) {
                return false;
            }
        });
    }
}
