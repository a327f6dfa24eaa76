package dev.malipo.gateway.connectors;

import dev.malipo.gateway.merchants.Mode;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

@Repository
class ProviderAccountRepository {
    private static final RowMapper<ProviderAccount> MAPPER = (rs, n) -> new ProviderAccount(rs.getString("id"),
            rs.getString("merchant_id"), rs.getString("provider"), rs.getString("country"),
            Mode.fromDb(rs.getString("mode")), URI.create(rs.getString("base_url")));

    private final JdbcClient jdbc;

    ProviderAccountRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(ProviderAccount a, String settingsEnc, Instant now) {
        jdbc.sql("""
                        insert into provider_accounts (id, merchant_id, provider, country, mode, base_url, settings_enc, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(a.id(), a.merchantId(), a.provider(), a.country(), a.mode().dbName(), a.baseUrl().toString(),
                        settingsEnc, java.sql.Timestamp.from(now))
                .update();
    }

    Optional<ProviderAccount> find(String id) {
        return jdbc.sql("select * from provider_accounts where id = ?").param(id).query(MAPPER).optional();
    }

    List<ProviderAccount> findRoute(String merchantId, String provider, String country, Mode mode) {
        return jdbc.sql("""
                        select * from provider_accounts where merchant_id = ? and provider = ? and country = ? and mode = ?
                        order by created_at""")
                .params(merchantId, provider, country, mode.dbName()).query(MAPPER).list();
    }

    List<ProviderAccount> findByMerchant(String merchantId, Mode mode) {
        return jdbc.sql("select * from provider_accounts where merchant_id = ? and mode = ? order by created_at")
                .params(merchantId, mode.dbName()).query(MAPPER).list();
    }

    String settingsEnc(String id) {
        return jdbc.sql("select settings_enc from provider_accounts where id = ?").param(id).query(String.class).single();
    }
}
