DROP TRIGGER articles_notify_change ON articles;
DROP FUNCTION jobboard_notify_content_change();
DROP INDEX articles_status_updated_idx;
DROP INDEX articles_title_trgm_idx;
DROP TABLE article_revisions;
ALTER TABLE articles
    DROP CONSTRAINT articles_cover_has_alt,
    DROP COLUMN retracted_at,
    DROP COLUMN cover_alt,
    DROP COLUMN cover_image_id,
    DROP COLUMN version;
DROP TABLE images;
DROP TABLE audit_log;
DROP FUNCTION jobboard_append_only();
DROP TABLE login_failures;
DROP TABLE editor_sessions;
ALTER TABLE editors DROP COLUMN active;
