-- See db/vendor/postgresql/V3 (H2 has no BRIN).
create index idempotency_keys_created_idx on idempotency_keys (created_at);
