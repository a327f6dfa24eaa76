package dev.malipo.gateway.merchants;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.Instant;
import java.util.Optional;

@Repository
public class MerchantRepository {
    private final JdbcClient jdbc;

    MerchantRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insertMerchant(String id, String name, String webhookSecretEnc, Instant now) {
        jdbc.sql("insert into merchants (id, name, webhook_secret_enc, created_at) values (?, ?, ?, ?)")
                .params(id, name, webhookSecretEnc, java.sql.Timestamp.from(now)).update();
    }

    void insertKey(String id, String merchantId, String keyHash, Mode mode, String last4, Instant now) {
        jdbc.sql("insert into api_keys (id, merchant_id, key_hash, mode, last4, created_at) values (?, ?, ?, ?, ?, ?)")
                .params(id, merchantId, keyHash, mode.dbName(), last4, java.sql.Timestamp.from(now)).update();
    }

    Optional<Caller> findActiveKey(String keyHash) {
        return jdbc.sql("select merchant_id, mode from api_keys where key_hash = ? and revoked_at is null")
                .param(keyHash)
                .query((rs, n) -> new Caller(rs.getString(1), Mode.fromDb(rs.getString(2))))
                .optional();
    }

    public Optional<String> webhookSecretEnc(String merchantId) {
        return jdbc.sql("select webhook_secret_enc from merchants where id = ?").param(merchantId)
                .query(String.class).optional();
    }

    public Optional<String> findMerchantIdByName(String name) {
        return jdbc.sql("select id from merchants where name = ? order by created_at limit 1").param(name)
                .query(String.class).optional();
    }
}
