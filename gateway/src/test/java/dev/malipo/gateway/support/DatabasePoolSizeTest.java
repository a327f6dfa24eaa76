package dev.malipo.gateway.support;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MALIPO_DATABASE_POOL_SIZE} sizes the pool, as the README's configuration table says: the
 * setting an operator sizes for the database host (round 28 measured what it trades).
 */
class DatabasePoolSizeTest {

    @Test
    void theSettingSizesThePool() {
        try (TestDatabase db = TestDatabase.h2();
             ConfigurableApplicationContext gateway = Gateways.start(db, PostgresTestBase.freePort(),
                     "--MALIPO_DATABASE_POOL_SIZE=7")) {
            assertThat(((HikariDataSource) gateway.getBean(DataSource.class)).getMaximumPoolSize()).isEqualTo(7);
        }
    }
}
