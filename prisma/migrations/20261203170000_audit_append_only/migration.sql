-- The audit log is append-only in the database itself (security checklist G5), not only by the
-- convention that AuditLog only inserts: no UPDATE and no TRUNCATE, and a DELETE only of rows older
-- than retention can ask for (AUDIT_RETENTION_DAYS is at least 1 when set; 23 hours, so that an
-- instance whose clock runs a little ahead of the database's still prunes). A bug or a stray
-- statement that would rewrite or erase recent history fails instead.
CREATE FUNCTION "audit_events_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.created_at < (now() AT TIME ZONE 'UTC') - interval '23 hours' THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit_events_append_only"();

CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_append_only"();
