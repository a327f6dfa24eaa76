package dev.malipo.gateway.support;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows that point at a row that does not exist: what the foreign keys dropped from the payment
 * path (V8 on PostgreSQL) used to refuse. Every PostgreSQL test ends by asking for them.
 */
public final class Orphans {
    /** What each relation is called in a failure, and the query counting the rows that break it. */
    static final Map<String, String> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("payments without their merchant",
                "select count(*) from payments c where not exists (select 1 from merchants p where p.id = c.merchant_id)");
        CHECKS.put("payments without their provider account",
                "select count(*) from payments c where not exists (select 1 from provider_accounts p where p.id = c.provider_account_id)");
        CHECKS.put("callbacks without their payment",
                "select count(*) from provider_callbacks c where not exists (select 1 from payments p where p.id = c.payment_id)");
        CHECKS.put("events without their merchant",
                "select count(*) from payment_events c where not exists (select 1 from merchants p where p.id = c.merchant_id)");
        CHECKS.put("events without their payment",
                "select count(*) from payment_events c where not exists (select 1 from payments p where p.id = c.payment_id)");
        CHECKS.put("webhook deliveries without their event",
                "select count(*) from webhook_deliveries c where not exists (select 1 from payment_events p where p.id = c.event_id)");
        CHECKS.put("webhook attempts without their delivery",
                "select count(*) from webhook_attempts c where not exists (select 1 from webhook_deliveries p where p.id = c.delivery_id)");
    }

    private Orphans() {
    }

    /** Each broken relation with its count; empty when every row's parent exists. */
    public static Map<String, Long> find(JdbcClient jdbc) {
        Map<String, Long> found = new LinkedHashMap<>();
        CHECKS.forEach((what, sql) -> {
            long n = jdbc.sql(sql).query(Long.class).single();
            if (n > 0) found.put(what, n);
        });
        return found;
    }
}
