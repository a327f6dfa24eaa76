package dev.malipo.gateway.support;

import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.UncategorizedSQLException;

import java.sql.SQLException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatementTimeoutTest {
    private static final String PG = "jdbc:postgresql://db.internal:5432/malipo";

    @Test
    void aPostgresqlPoolGetsTheTimeoutInMilliseconds() {
        assertThat(StatementTimeout.options(PG, false, Duration.ofSeconds(30))).isEqualTo("-c statement_timeout=30000");
        assertThat(StatementTimeout.options("JDBC:POSTGRESQL://db/malipo?sslmode=require", false, Duration.ofMillis(1500)))
                .isEqualTo("-c statement_timeout=1500");
    }

    @Test
    void underAMillisecondIsOneNotZeroWhichPostgresqlReadsAsOff() {
        assertThat(StatementTimeout.options(PG, false, Duration.ofNanos(10))).isEqualTo("-c statement_timeout=1");
    }

    @Test
    void zeroTurnsItOff() {
        assertThat(StatementTimeout.options(PG, false, Duration.ZERO)).isNull();
    }

    @Test
    void h2AndOtherDatabasesGetNothing() {
        assertThat(StatementTimeout.options("jdbc:h2:file:./data/malipo-dev", false, Duration.ofSeconds(30))).isNull();
        assertThat(StatementTimeout.options(null, false, Duration.ofSeconds(30))).isNull();
    }

    @Test
    void anOperatorsOwnOptionsAreKeptAsTheyAre() {
        assertThat(StatementTimeout.options(PG + "?options=-c%20search_path%3Dpay", false, Duration.ofSeconds(30))).isNull();
        assertThat(StatementTimeout.options(PG + "?sslmode=require&OPTIONS=x", false, Duration.ofSeconds(30))).isNull();
        assertThat(StatementTimeout.options(PG, true, Duration.ofSeconds(30))).isNull();
        // A parameter that merely ends in "options" is not pgjdbc's options.
        assertThat(StatementTimeout.options(PG + "?sslfactoryoptions=x", false, Duration.ofSeconds(30))).isNotNull();
    }

    @Test
    void aNegativeTimeoutIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> StatementTimeout.options(PG, false, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malipo.database.statement-timeout");
    }

    @Test
    void aCancelledStatementIsRecognisedThroughItsWrappers() {
        SQLException cancelled = new SQLException("ERROR: canceling statement due to statement timeout", "57014");
        assertThat(StatementTimeout.cancelled(new QueryTimeoutException("PreparedStatementCallback", cancelled))).isTrue();
        assertThat(StatementTimeout.cancelled(new RuntimeException(new UncategorizedSQLException("commit", null, cancelled)))).isTrue();
    }

    @Test
    void otherDatabaseFailuresAreNotCancellations() {
        assertThat(StatementTimeout.cancelled(new SQLException("duplicate key", "23505"))).isFalse();
        assertThat(StatementTimeout.cancelled(new SQLException("no state"))).isFalse();
        assertThat(StatementTimeout.cancelled(new QueryTimeoutException("a client-side timeout, no SQLSTATE"))).isFalse();
        assertThat(StatementTimeout.cancelled(null)).isFalse();
    }
}
