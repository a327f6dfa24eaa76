package dev.malipo.gateway.support;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Two writes in one transaction; on PostgreSQL in one round trip, the first as a
     * data-modifying WITH. Either failing fails both, as two statements in a transaction would.
     * The first must be an INSERT, UPDATE or DELETE whose result nobody reads, and the second must
     * not need to see its rows (they share one snapshot); H2 has no such WITH and runs them in turn.
     */
    public void writeTogether(JdbcClient jdbc, Sql first, Sql second) {
        if (!postgres) {
            first.update(jdbc);
            second.update(jdbc);
            return;
        }
        List<Object> args = new ArrayList<>(first.args());
        args.addAll(second.args());
        jdbc.sql("with first_write as (" + first.text() + ")\n" + second.text()).params(args).update();
    }

    private static boolean isPostgres(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            return c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach the database to learn which it is", e);
        }
    }
}
