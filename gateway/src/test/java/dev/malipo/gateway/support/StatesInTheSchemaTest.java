package dev.malipo.gateway.support;

import dev.malipo.core.connector.TransactionKind;
import dev.malipo.core.payment.PaymentStatus;
import dev.malipo.gateway.merchants.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * On PostgreSQL the states a row may hold are domains (V10), not table CHECKs: each column is of
 * its domain, which takes every state the code writes and refuses anything else.
 */
class StatesInTheSchemaTest extends PostgresTestBase {
    @Autowired
    JdbcClient jdbc;

    static Stream<Arguments> columns() {
        List<String> modes = lowerCase(Mode.values());
        return Stream.of(
                arguments("payments", "kind", "payment_kind", lowerCase(TransactionKind.values())),
                arguments("payments", "mode", "malipo_mode", modes),
                arguments("payments", "status", "payment_status", lowerCase(PaymentStatus.values())),
                arguments("idempotency_keys", "state", "idempotency_key_state", List.of("in_progress", "completed")),
                arguments("provider_callbacks", "status", "callback_status",
                        List.of("received", "parked", "processed", "duplicate", "rejected")),
                arguments("webhook_deliveries", "status", "delivery_status", List.of("pending", "delivered", "failed")),
                arguments("api_keys", "mode", "malipo_mode", modes),
                arguments("provider_accounts", "mode", "malipo_mode", modes));
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("columns")
    void aColumnHoldsItsStatesAndNothingElse(String table, String column, String domain, List<String> states) {
        List<String> type = jdbc.sql("""
                        select domain_name from information_schema.columns
                        where table_schema = current_schema() and table_name = ? and column_name = ?""")
                .params(table, column).query(String.class).list();
        assertThat(type).as("the domain of %s.%s", table, column).containsExactly(domain);
        for (String state : states) {
            assertThat(jdbc.sql("select cast(? as " + domain + ")").param(state).query(String.class).single()).isEqualTo(state);
        }
        assertThatThrownBy(() -> jdbc.sql("select cast(? as " + domain + ")").param("settled").query(String.class).single())
                .hasMessageContaining("violates check constraint \"" + domain + "_check\"");
    }

    private static List<String> lowerCase(Enum<?>[] values) {
        return Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)).toList();
    }
}
