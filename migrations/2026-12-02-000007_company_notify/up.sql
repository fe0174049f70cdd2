-- Company changes (an editor fixing a city or the about text) reach every instance's page
-- cache at once, through the same notification as article changes. A bulk load
-- (`jobboard.bulk_load`, see the catalog migration) sends one `reload` instead, so the
-- content notification stays quiet there as the job notification does.
CREATE OR REPLACE FUNCTION jobboard_notify_content_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('jobboard.bulk_load', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_notify('jobboard_jobs', 'content');
    RETURN NULL;
END
$$;

CREATE TRIGGER companies_notify_change AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH STATEMENT EXECUTE FUNCTION jobboard_notify_content_change();
