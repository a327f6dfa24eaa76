-- See db/vendor/postgresql/V2: the same columns; H2 has no partial indexes, so its indexes also
-- hold the (null) rows already settled or handed over.
alter table payments add column first_check_at timestamp with time zone;
create index payments_first_check_idx on payments (first_check_at);

alter table webhook_deliveries add column safety_net_at timestamp with time zone;
create index webhook_deliveries_safety_net_idx on webhook_deliveries (safety_net_at);
