-- A bulk load's rows skip the change notification in the trigger's condition rather
-- than in its function: PostgreSQL then queues no after-trigger event and calls no
-- function for each of a million rows (the function's own check stays for callers
-- that reach it another way).
DROP TRIGGER jobs_notify_change ON jobs;
CREATE TRIGGER jobs_notify_change AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH ROW
    WHEN (current_setting('jobboard.bulk_load', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION jobboard_notify_job_change();
