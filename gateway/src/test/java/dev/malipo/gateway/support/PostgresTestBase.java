package dev.malipo.gateway.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A gateway on a PostgreSQL schema of its own and a port known before start-up (the callback URLs
 * handed to providers must name it). All subclasses share one application context (Spring caches
 * it) and so one schema, dropped when the test JVM exits; each test makes its own merchant.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
public abstract class PostgresTestBase {
    protected static TestDatabase db;
    protected static int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        synchronized (PostgresTestBase.class) {
            if (db == null) {
                db = TestDatabase.postgres();
                port = freePort();
                TestDatabase created = db;
                Runtime.getRuntime().addShutdownHook(new Thread(created::close));
            }
        }
        r.add("spring.datasource.url", db::url);
        r.add("spring.datasource.username", db::user);
        r.add("spring.datasource.password", db::password);
        r.add("server.port", () -> port);
        r.add("malipo.public-base-url", () -> "http://127.0.0.1:" + port);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    protected String baseUrl() {
        return "http://127.0.0.1:" + port;
    }
}
