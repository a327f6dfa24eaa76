-- Set (under the payment's row lock) when a callback is parked because it came before the
-- initiation's answer was stored. The transaction storing that answer reads it in the UPDATE it
-- makes anyway, and looks for parked callbacks only when it is set: with a real provider, whose
-- callbacks come seconds after the answer, that look found nothing for almost every payment.
alter table payments add column callbacks_parked boolean not null default false;
