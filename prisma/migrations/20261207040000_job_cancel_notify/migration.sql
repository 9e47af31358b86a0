-- A cancel reaches the worker running the job through NOTIFY instead of the worker polling the
-- job row: the moment a job's cancelRequestedAt is first set, its id is sent on sous_job_cancel
-- (delivered at commit). A trigger, so no writer of the flag can forget to send it.

CREATE FUNCTION sous_notify_job_cancel() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('sous_job_cancel', NEW."id");
  RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER "Job_notify_cancel"
  AFTER UPDATE OF "cancelRequestedAt" ON "Job"
  FOR EACH ROW
  WHEN (OLD."cancelRequestedAt" IS NULL AND NEW."cancelRequestedAt" IS NOT NULL)
  EXECUTE FUNCTION sous_notify_job_cancel();
