package dev.malipo.gateway.support;

import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway on a PostgreSQL schema of its own and a port known before start-up (the callback URLs
 * handed to providers must name it). All subclasses share one application context (Spring caches
 * it) and so one schema, dropped when the test JVM exits; each test makes its own merchant. Each
 * test ends with an audit that no row points at a row that does not exist (the payment path's
 * foreign keys are gone on PostgreSQL, V8).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ActiveProfiles("test")
public abstract class PostgresTestBase {
    protected static TestDatabase db;
    protected static int port;

    @Autowired
    private JdbcClient auditJdbc;

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
        Gateways.register(r, db, port);
    }

    @AfterEach
    void noRowPointsNowhere() {
        assertThat(Orphans.find(auditJdbc)).as("rows whose parent row does not exist").isEmpty();
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
