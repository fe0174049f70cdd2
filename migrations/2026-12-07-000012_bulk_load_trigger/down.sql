DROP TRIGGER jobs_notify_change ON jobs;
CREATE TRIGGER jobs_notify_change AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobboard_notify_job_change();
