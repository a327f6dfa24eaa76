-- A payment's row is updated two or three times within its first second (a parked callback's flag,
-- the initiation's answer, the settlement), a callback's once. PostgreSQL can make such an update
-- in place (HOT: no new index entries) only when the row's page has room for the new version;
-- pages filled to the brim by inserts have none, so keep a share of each page free. Applies to
-- pages written from now on.
alter table payments set (fillfactor = 75);
alter table provider_callbacks set (fillfactor = 85);
