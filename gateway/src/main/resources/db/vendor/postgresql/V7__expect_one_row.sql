-- A status change queued at commit (CommitTail) goes to the database in the same round trip as the
-- transaction's COMMIT, so the gateway cannot look at its row count before committing. The check
-- runs here instead: a write that did not change exactly one row raises, and the COMMIT behind it
-- in the same execution never runs. SQLSTATE MLP01 tells this failure apart from any other.
create function malipo_expect_one_row(changed bigint, what text) returns int
language plpgsql as $$
begin
  if changed <> 1 then
    raise exception using errcode = 'MLP01', message = what;
  end if;
  return 1;
end
$$;
