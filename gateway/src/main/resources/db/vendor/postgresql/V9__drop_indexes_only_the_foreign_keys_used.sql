-- Three indexes no query reads: events by merchant, deliveries by event, attempts by delivery.
-- The last two served the foreign keys V8 dropped (a parent's delete or key change looks for its
-- children by them) and nothing else; events are read by payment and type (their unique key) and
-- by id. Each flow inserted one entry into each. As in V5: an index comes back with the query that
-- needs it.
drop index payment_events_merchant_idx;
drop index webhook_deliveries_event_idx;
drop index webhook_attempts_delivery_idx;
