-- No query reads payments by status or by provider reference (listing filters within a merchant's
-- own rows, on payments_list_idx; reconciliation sweeps on first_check_at), yet every insert paid
-- for both indexes, and every update touching status or provider_reference made PostgreSQL write a
-- whole new entry in each of the table's indexes (no HOT update: an indexed column changed). The
-- answer's UPDATE sets provider_reference and the settling UPDATE sets status: with these gone, the
-- first needs no index entry at all.
drop index payments_status_idx;
drop index payments_provider_ref_idx;

-- The same for a callback's status, which changes once per callback: a payment has a handful of
-- callbacks at most, so finding them by payment alone and filtering on status costs nothing.
drop index provider_callbacks_payment_idx;
create index provider_callbacks_payment_idx on provider_callbacks (payment_id);
