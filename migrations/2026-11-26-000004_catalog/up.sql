-- Every running server keeps an in-memory catalog of the open jobs for counting,
-- facets and ordering. It listens on this channel: each changed job's id arrives once
-- the change commits, in commit order, so the catalog never misses or reorders one.
--
-- A bulk load (`jobboard seed --jobs`) sets jobboard.bulk_load for its own sessions and
-- sends one 'reload' when done, instead of a million notifications.
CREATE FUNCTION jobboard_notify_job_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('jobboard.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('jobboard_jobs', COALESCE(NEW.id, OLD.id)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_notify_change AFTER INSERT OR UPDATE OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobboard_notify_job_change();
