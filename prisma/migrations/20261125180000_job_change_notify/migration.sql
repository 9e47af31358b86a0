-- Live job progress without polling: every change to a job, one of its activities or its log
-- wakes the studio's event streams through NOTIFY (payload "<projectId>/<jobId>"). Triggers, not
-- application code, so no writer (worker, studio, a recovery path) can forget to send it.
-- NOTIFY is delivered at commit and collapses identical payloads within one transaction.

CREATE FUNCTION sous_notify_job_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('sous_job_change', NEW."projectId" || '/' || NEW."id");
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE FUNCTION sous_notify_job_child_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('sous_job_change', j."projectId" || '/' || j."id")
  FROM "Job" j
  WHERE j."id" IN (SELECT DISTINCT c."jobId" FROM changed_rows c);
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Job_notify_change"
  AFTER INSERT OR UPDATE ON "Job"
  FOR EACH ROW EXECUTE FUNCTION sous_notify_job_change();

-- Statement-level with a transition table: a batch of log lines (or activities) sends one
-- notification per job, not one per row.
CREATE TRIGGER "JobActivity_notify_insert"
  AFTER INSERT ON "JobActivity" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_job_child_change();

CREATE TRIGGER "JobActivity_notify_update"
  AFTER UPDATE ON "JobActivity" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_job_child_change();

CREATE TRIGGER "JobLog_notify_insert"
  AFTER INSERT ON "JobLog" REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION sous_notify_job_child_change();
