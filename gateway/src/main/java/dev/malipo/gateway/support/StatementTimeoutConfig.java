package dev.malipo.gateway.support;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * Puts {@link StatementTimeout} on the pool's connections, and keeps it off Flyway's: a migration
 * may rightly take minutes (V10 rewrites the payment tables on a database that holds payments),
 * and a migration cancelled half-way stops the gateway from starting. Flyway borrows from the same
 * pool, so its connections switch the limit off for themselves, and once it is done the pool
 * replaces every connection it has, so none without the limit is ever handed to a request.
 */
@Configuration(proxyBeanMethods = false)
class StatementTimeoutConfig {

    /** Runs after the pool's own settings are bound, so an operator's explicit {@code options} are seen and kept. */
    @Bean
    static BeanPostProcessor statementTimeout(Environment environment) {
        Duration timeout = Binder.get(environment).bind(StatementTimeout.SETTING, Duration.class).orElse(StatementTimeout.DEFAULT);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool) StatementTimeout.apply(pool, timeout);
                return bean;
            }
        };
    }

    /** After an operator's own {@code spring.flyway.init-sqls}, if any, which it keeps. */
    @Bean
    FlywayConfigurationCustomizer migrationsWithoutStatementTimeout(DataSource dataSource) {
        return configuration -> {
            if (postgresPool(dataSource) != null) {
                String theirs = configuration.getInitSql();
                String off = "SET statement_timeout = 0";
                configuration.initSql(theirs == null || theirs.isBlank() ? off : theirs + ";\n" + off);
            }
        };
    }

    @Bean
    FlywayMigrationStrategy migrateThenRenewTheConnections(DataSource dataSource) {
        return flyway -> {
            flyway.migrate();
            // Idle connections (all of Flyway's, given back) close now; any in use, when given back.
            // Only PostgreSQL's differ (H2 gets no init SQL, and an in-memory H2 database can close with them).
            HikariDataSource pool = postgresPool(dataSource);
            if (pool != null) {
                HikariPoolMXBean running = pool.getHikariPoolMXBean();
                if (running != null) running.softEvictConnections();
            }
        };
    }

    /** The pool when it is PostgreSQL's, whose connections carry the limit; null otherwise. */
    private static HikariDataSource postgresPool(DataSource dataSource) {
        return dataSource instanceof HikariDataSource pool && StatementTimeout.isPostgresql(pool.getJdbcUrl()) ? pool : null;
    }
}
