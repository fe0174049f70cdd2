DROP TABLE articles;
DROP TABLE editors;
DROP TABLE job_technologies;
DROP TABLE jobs;
DROP TABLE technologies;
DROP TABLE companies;
DROP FUNCTION jobs_search_document(TEXT, TEXT);
DROP FUNCTION jobboard_slug_is_valid(TEXT);
