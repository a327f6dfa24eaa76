package dev.malipo.gateway.support;

import com.zaxxer.hikari.HikariDataSource;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How long PostgreSQL lets one of the gateway's statements run before it cancels it: its
 * {@code statement_timeout}, set on every pooled connection as it opens (pgjdbc's {@code options}
 * go in the start-up packet, so it costs no round trip).
 *
 * <p>Why: without it, a statement stuck behind a lock (a transaction someone left open in psql, a
 * migration holding a table) or running away holds its request, its connection and its own locks
 * for as long as that lasts, and the pool drains behind it. With it, PostgreSQL cancels the
 * statement and rolls its transaction back; the connection goes back to the pool fit for use and
 * the request is answered 503 {@code service_unavailable}, to be retried with the same
 * Idempotency-Key.
 *
 * <p>It is a backstop, far above any statement the gateway means to run (milliseconds), so a busy
 * database does not trip it. Flyway's migrations run without it (StatementTimeoutConfig). H2
 * (dev mode) runs in-process and gets nothing. An operator who sets pgjdbc's {@code options}
 * themselves (in the URL or the pool's data-source properties) keeps exactly theirs: pgjdbc would
 * let the URL's win anyway, and merging two option strings silently is a worse surprise than the
 * documented rule.
 *
 * <p>What it does not bound: a database that stops answering altogether (the machine or the
 * network gone). The server cannot cancel what it never hears of; the client waits until TCP gives
 * up (about 15 minutes with Linux's defaults), unless the operator adds pgjdbc's
 * {@code socketTimeout} to the URL (README, "Going to production").
 */
public final class StatementTimeout {
    /** The setting's name, for errors and docs. */
    public static final String SETTING = "malipo.database.statement-timeout";
    public static final Duration DEFAULT = Duration.ofSeconds(30);

    /** PostgreSQL's SQLSTATE for a cancelled statement: past statement_timeout, or pg_cancel_backend. */
    private static final String QUERY_CANCELED = "57014";

    private static final Pattern OPTIONS_IN_URL = Pattern.compile("[?&]options=", Pattern.CASE_INSENSITIVE);

    private StatementTimeout() {
    }

    /**
     * Adds the timeout to {@code pool}'s connections when it is PostgreSQL's, the timeout is not
     * zero (off) and the operator has not set pgjdbc's {@code options} themselves. Must run before
     * the pool opens its first connection (a bean post-processor, before initialisation).
     */
    public static void apply(HikariDataSource pool, Duration timeout) {
        String options = options(pool.getJdbcUrl(), pool.getDataSourceProperties().containsKey("options"), timeout);
        if (options != null) pool.addDataSourceProperty("options", options);
    }

    /**
     * The pgjdbc {@code options} value that sets {@code timeout}, or null when none is to be added.
     *
     * @param optionsGiven whether the pool's data-source properties already hold {@code options}
     */
    static String options(String url, boolean optionsGiven, Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException(SETTING + " must be zero (off) or more, not " + timeout);
        }
        if (timeout.isZero() || !isPostgresql(url)) return null;
        if (optionsGiven || OPTIONS_IN_URL.matcher(url).find()) return null;
        long millis = Math.max(1, timeout.toMillis()); // PostgreSQL's unit; under 1 ms would read as 0, off
        return "-c statement_timeout=" + millis;
    }

    static boolean isPostgresql(String url) {
        return url != null && url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:");
    }

    /** Whether {@code failure} is, or was caused by, PostgreSQL cancelling the statement. */
    public static boolean cancelled(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && QUERY_CANCELED.equals(sql.getSQLState())) return true;
        }
        return false;
    }
}
