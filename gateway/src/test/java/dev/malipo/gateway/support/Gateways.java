package dev.malipo.gateway.support;

import dev.malipo.gateway.MalipoApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

import java.util.ArrayList;
import java.util.List;

/**
 * Arguments for a gateway a test starts itself (a context of its own, outside Spring's test-context
 * cache: to restart it, or to give it settings no other test shares) on {@code db} and {@code port}.
 * Arguments, not default properties: those would lose to application.yml.
 */
public final class Gateways {
    private Gateways() {
    }

    /** A gateway with the test profile on {@code db} and {@code port}, started; the caller closes it. */
    public static ConfigurableApplicationContext start(TestDatabase db, int port, String... extra) {
        return new SpringApplicationBuilder(MalipoApplication.class).profiles("test").run(args(db, port, extra));
    }

    /**
     * The same settings as {@link #args}, for a gateway in Spring's test-context cache (a
     * {@code @DynamicPropertySource}).
     */
    public static void register(DynamicPropertyRegistry r, TestDatabase db, int port) {
        db.register(r);
        r.add("server.port", () -> port);
        r.add("malipo.public-base-url", () -> "http://127.0.0.1:" + port);
    }

    public static String[] args(TestDatabase db, int port, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--server.port=" + port,
                "--malipo.public-base-url=http://127.0.0.1:" + port));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }
}
