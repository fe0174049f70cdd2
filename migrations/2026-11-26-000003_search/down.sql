DROP INDEX jobs_published_employment_newest_idx;
DROP INDEX jobs_published_salary_idx;
ALTER TABLE jobs DROP COLUMN salary_eur_year;
DROP INDEX jobs_technology_slugs_idx;
DROP INDEX companies_name_trgm_idx;
DROP INDEX jobs_search_idx;
DROP TRIGGER companies_reindex_jobs ON companies;
DROP FUNCTION companies_reindex_jobs();
DROP TRIGGER jobs_search_document ON jobs;
DROP FUNCTION jobs_refresh_search_document();
DROP FUNCTION jobs_search_document(TEXT, TEXT, TEXT, TEXT, TEXT);
DROP FUNCTION jobboard_place_variants(TEXT);
DROP FUNCTION jobboard_search_text(TEXT);
ALTER TABLE jobs DROP COLUMN search_document;
ALTER TABLE jobs DROP COLUMN technology_slugs;

CREATE FUNCTION jobs_search_document(title TEXT, description TEXT) RETURNS tsvector
    LANGUAGE SQL IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector('simple', title), 'A')
              || setweight(to_tsvector('simple', left(description, 4000)), 'D') $$;
ALTER TABLE jobs ADD COLUMN search_document tsvector NOT NULL
    GENERATED ALWAYS AS (jobs_search_document(title, description)) STORED;
CREATE INDEX jobs_search_idx ON jobs USING GIN (search_document) WHERE status = 'published';
