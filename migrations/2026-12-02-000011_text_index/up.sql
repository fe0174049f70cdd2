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
-- on every view. NULL until rendered: the job page renders it then.
ALTER TABLE jobs ADD COLUMN description_html TEXT;

-- The text index catches up after a restart with the jobs changed since it last saw one,
-- through jobs_updated_at_idx, which 2026-11-26-000002_seo already created.
