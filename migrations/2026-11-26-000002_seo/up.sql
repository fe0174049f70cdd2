-- What crawlers need: slugs that moved or were deleted, and cheap answers to "what
-- changed last" and "which open jobs are there" for sitemaps and Last-Modified.

-- Slugs that no longer name a live page: renamed ones (redirect to the current slug)
-- and deleted ones (410 Gone). Triggers fill it, so no code path can forget to.

CREATE TABLE slug_history (
    entity      TEXT NOT NULL CHECK (entity IN ('job', 'company', 'article')),
    slug        TEXT NOT NULL,
    -- The row that had the slug; it may no longer exist, hence no foreign key.
    entity_id   BIGINT NOT NULL,
    retired_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (entity, slug)
);
CREATE INDEX slug_history_entity_id_idx ON slug_history (entity, entity_id);

CREATE FUNCTION jobboard_remember_slug() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.slug IS DISTINCT FROM OLD.slug THEN
        INSERT INTO slug_history (entity, slug, entity_id)
        VALUES (TG_ARGV[0], OLD.slug, OLD.id)
        ON CONFLICT (entity, slug) DO UPDATE
            SET entity_id = EXCLUDED.entity_id, retired_at = now();
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_remember_slug AFTER UPDATE OF slug OR DELETE ON jobs
    FOR EACH ROW EXECUTE FUNCTION jobboard_remember_slug('job');
CREATE TRIGGER companies_remember_slug AFTER UPDATE OF slug OR DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION jobboard_remember_slug('company');
CREATE TRIGGER articles_remember_slug AFTER UPDATE OF slug OR DELETE ON articles
    FOR EACH ROW EXECUTE FUNCTION jobboard_remember_slug('article');

-- Sitemaps walk jobs in id ranges, reading only the index: the open ones for their
-- URLs, all of them for the date a file last changed (a job closing or expiring
-- changes the file too).
CREATE INDEX jobs_sitemap_idx ON jobs (id) INCLUDE (status, slug, updated_at, valid_through);
-- A company's sitemap date: its newest job change and latest job expiry.
CREATE INDEX jobs_company_updated_idx ON jobs (company_id, updated_at);
CREATE INDEX jobs_company_valid_idx ON jobs (company_id, valid_through);
-- The newest change and the latest expiry are each one index probe.
CREATE INDEX jobs_updated_at_idx ON jobs (updated_at);
CREATE INDEX jobs_valid_through_idx ON jobs (valid_through);
CREATE INDEX companies_updated_at_idx ON companies (updated_at);
CREATE INDEX articles_updated_at_idx ON articles (updated_at);
CREATE INDEX slug_history_retired_at_idx ON slug_history (retired_at);
