package dev.malipo.gateway.support;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A gateway on its own PostgreSQL schema and a port known before start-up (the callback URLs
 * handed to providers must name it).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
public abstract class PostgresTestBase {
    protected static TestDatabase db;
    protected static int port;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry r) {
        if (db == null) {
            db = TestDatabase.postgres();
            port = freePort();
        }
        r.add("spring.datasource.url", db::url);
        r.add("spring.datasource.username", db::user);
        r.add("spring.datasource.password", db::password);
        r.add("server.port", () -> port);
        r.add("malipo.public-base-url", () -> "http://127.0.0.1:" + port);
    }

    @AfterAll
    static void dropSchema() {
        if (db != null) {
            db.close();
            db = null;
        }
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
