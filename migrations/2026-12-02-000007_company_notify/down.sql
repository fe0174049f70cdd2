DROP TRIGGER companies_notify_change ON companies;

CREATE OR REPLACE FUNCTION jobboard_notify_content_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobboard_jobs', 'content');
    RETURN NULL;
END
$$;
