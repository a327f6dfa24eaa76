-- Nearly every payment has a first status check due and every webhook delivery a safety-net
-- retry, yet few need them: most payments settle and most webhooks are delivered within the
-- second. Rather than a job row for each (an insert, then a delete), the row itself says when it
-- would be due, and a sweep hands the few still due to a job. Null once settled or handed over,
-- so the partial indexes hold only what is still waiting.
alter table payments add column first_check_at timestamp with time zone;
create index payments_first_check_idx on payments (first_check_at) where first_check_at is not null;

alter table webhook_deliveries add column safety_net_at timestamp with time zone;
create index webhook_deliveries_safety_net_idx on webhook_deliveries (safety_net_at) where safety_net_at is not null;
