-- Search words are matched by the text index beside the in-memory catalog (src/search),
-- derived from these rows. The tsvector column cost a trigger per written row and a
-- detoast per row for common words; it goes, and with it its functions.
DROP TRIGGER jobs_search_document ON jobs;
DROP FUNCTION jobs_refresh_search_document();
DROP FUNCTION jobs_search_document(TEXT, TEXT, TEXT, TEXT, TEXT);
ALTER TABLE jobs DROP COLUMN search_document;
DROP FUNCTION jobboard_search_text(TEXT);
DROP FUNCTION jobboard_place_variants(TEXT);

-- The description as sanitised HTML, rendered once when the job is written instead of
-- on every view. NULL until rendered: the job page renders it then, and each server
-- fills such rows in the background after it starts; the partial index finds them
-- without reading the table (and is empty once they are filled).
ALTER TABLE jobs ADD COLUMN description_html TEXT;
CREATE INDEX jobs_description_unrendered_idx ON jobs (id) WHERE description_html IS NULL;

-- Filling in what is derived from a row (the rendered description) changes no content,
-- so a session that says so (`jobboard.derived_only`) leaves updated_at alone: sitemaps,
-- Last-Modified and the text index's catch-up read it.
DROP TRIGGER set_updated_at ON jobs;
CREATE TRIGGER set_updated_at BEFORE UPDATE ON jobs FOR EACH ROW
    WHEN (current_setting('jobboard.derived_only', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION diesel_set_updated_at();

-- The text index catches up after a restart with the jobs changed since it last saw one,
-- through jobs_updated_at_idx (there since the seo migration).
