package dev.malipo.gateway.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A statement and its parameters, handed from the module that owns a table to one that sends it
 * along with its own write ({@link SqlDialect#writeTogether}).
 */
public record Sql(String text, List<Object> args) {
    public Sql {
        args = Collections.unmodifiableList(new ArrayList<>(args)); // List.copyOf would refuse null parameters
    }

    public static Sql of(String text, Object... args) {
        return new Sql(text, Arrays.asList(args));
    }

    /** Sends it on its own; the rows it changed. */
    public int update(JdbcClient jdbc) {
        return jdbc.sql(text).params(args).update();
    }
}
