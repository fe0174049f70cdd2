DROP TRIGGER jobs_notify_change ON jobs;
DROP FUNCTION jobboard_notify_job_change();
