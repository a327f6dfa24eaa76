package dev.malipo.gateway.support;

import org.junit.jupiter.api.Assumptions;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A database for one test class: a fresh schema on the local PostgreSQL (127.0.0.1:5432, database
 * "test", user postgres — override with MALIPO_TEST_PG_URL/USER/PASSWORD), dropped afterwards; or a
 * private in-memory H2 database. With CI=true a missing PostgreSQL fails the run instead of skipping.
 */
public final class TestDatabase implements AutoCloseable {
    private static final String PG_URL = env("MALIPO_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    private static final String PG_USER = env("MALIPO_TEST_PG_USER", "postgres");
    private static final String PG_PASSWORD = env("MALIPO_TEST_PG_PASSWORD", "");

    private final String url;
    private final String user;
    private final String password;
    private final String schema;

    private TestDatabase(String url, String user, String password, String schema) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.schema = schema;
    }

    public static TestDatabase postgres() {
        String schema = "malipo_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("create schema " + schema);
        } catch (SQLException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException("CI=true but PostgreSQL is not reachable at " + PG_URL + ": " + e.getMessage(), e);
            }
            Assumptions.abort("PostgreSQL not reachable at " + PG_URL + " (" + e.getMessage()
                    + "); PostgreSQL tests skipped. Set CI=true to make this a failure.");
        }
        String sep = PG_URL.contains("?") ? "&" : "?";
        return new TestDatabase(PG_URL + sep + "currentSchema=" + schema, PG_USER, PG_PASSWORD, schema);
    }

    public static TestDatabase h2() {
        String name = "malipo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        // Bare: the gateway adds the PostgreSQL-mode settings itself (H2Urls), as it does in dev mode.
        return new TestDatabase("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", "sa", "", null);
    }

    /** This database as the gateway's under test. */
    public void register(DynamicPropertyRegistry r) {
        r.add("spring.datasource.url", this::url);
        r.add("spring.datasource.username", this::user);
        r.add("spring.datasource.password", this::password);
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public boolean isPostgres() {
        return schema != null;
    }

    @Override
    public void close() {
        if (schema == null) return;
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            System.err.println("Could not drop test schema " + schema + ": " + e.getMessage());
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
