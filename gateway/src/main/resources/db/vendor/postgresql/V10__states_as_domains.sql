-- The sets of states a flow's rows may hold, as domains instead of table CHECK constraints.
-- PostgreSQL builds a table's CHECK expressions again from their stored text for every statement
-- that writes the table (about fifteen a flow); a domain's constraint is kept in its type cache.
-- bench/pg-shapes (SCHEMA=round17 against the migrated schema, alternated): see bench/README.md,
-- round 18. The rules stay in the schema, the same values as before, checked on every write.
--
-- Changing a column to a domain with a constraint rewrites the table under an exclusive lock: on
-- a database with history, run this in a maintenance window. H2 (dev mode) keeps the CHECKs.
create domain malipo_mode as varchar(8) check (value in ('test', 'live'));
create domain payment_kind as varchar(16) check (value in ('collection', 'payout'));
create domain payment_status as varchar(16) check (value in ('pending', 'unknown', 'succeeded', 'failed', 'expired'));
create domain idempotency_key_state as varchar(16) check (value in ('in_progress', 'completed'));
create domain callback_status as varchar(16) check (value in ('received', 'parked', 'processed', 'duplicate', 'rejected'));
create domain delivery_status as varchar(16) check (value in ('pending', 'delivered', 'failed'));

alter table payments drop constraint payments_kind_check, drop constraint payments_mode_check,
    drop constraint payments_status_check,
    alter column kind type payment_kind, alter column mode type malipo_mode, alter column status type payment_status;
alter table idempotency_keys drop constraint idempotency_keys_state_check,
    alter column state type idempotency_key_state;
alter table provider_callbacks drop constraint provider_callbacks_status_check,
    alter column status type callback_status;
alter table webhook_deliveries drop constraint webhook_deliveries_status_check,
    alter column status type delivery_status;
-- Not on a flow's path, but the same rule in the same place.
alter table api_keys drop constraint api_keys_mode_check, alter column mode type malipo_mode;
alter table provider_accounts drop constraint provider_accounts_mode_check, alter column mode type malipo_mode;
