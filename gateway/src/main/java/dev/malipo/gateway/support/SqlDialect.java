package dev.malipo.gateway.support;

import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The little SQL that differs between PostgreSQL (production) and H2 (dev mode). Asked of the
 * database once, at start-up.
 */
@Component
public class SqlDialect {
    private final boolean postgres;

    SqlDialect(DataSource dataSource) {
        this.postgres = isPostgres(dataSource);
    }

    public boolean postgres() {
        return postgres;
    }

    /**
     * An UPDATE that also yields the rows it changed, as they are after it: one round trip where
     * an update and a re-read took two. PostgreSQL says {@code RETURNING}; H2 the SQL standard's
     * data change delta table.
     */
    public String returningAll(String update) {
        return postgres ? update + " returning *" : "select * from final table (" + update + ")";
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to learn which it is", e);
        }
    }
}
