-- Keys are forgotten after their retention (IdempotencyKeyExpiry). Rows arrive in created_at order,
-- so a BRIN index finds the old ones at almost no cost per insert.
create index idempotency_keys_created_idx on idempotency_keys using brin (created_at);
