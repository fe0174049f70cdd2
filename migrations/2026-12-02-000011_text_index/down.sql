ALTER TABLE jobs DROP COLUMN description_html;

CREATE FUNCTION jobboard_search_text(input TEXT) RETURNS TEXT
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    AS $$ SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                 lower(coalesce(input, '')),
                 '(^|[^a-z0-9_])c\+\+', '\1cpp ', 'g'),
                 '(^|[^a-z0-9_])c#', '\1csharp ', 'g'),
                 '(^|[^a-z0-9_])f#', '\1fsharp ', 'g'),
                 '\.net($|[^a-z0-9_])', ' dotnet\1', 'g'),
                 'node\.js', 'nodejs', 'g') $$;

CREATE FUNCTION jobboard_place_variants(place TEXT) RETURNS TEXT
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    AS $$ SELECT concat_ws(' ', lower(place),
                 replace(replace(replace(replace(lower(place), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'),
                 translate(lower(place), 'äöüß', 'aous')) $$;

CREATE FUNCTION jobs_search_document(title TEXT, technologies TEXT, company TEXT, city TEXT, description TEXT)
    RETURNS tsvector
    LANGUAGE SQL IMMUTABLE PARALLEL SAFE
    AS $$ SELECT setweight(to_tsvector('simple', jobboard_search_text(title)), 'A')
              || setweight(to_tsvector('simple', jobboard_search_text(concat_ws(' ', technologies, company))), 'B')
              || setweight(to_tsvector('simple', jobboard_place_variants(city)), 'C')
              || setweight(to_tsvector('simple', jobboard_search_text(left(description, 4000))), 'D') $$;

CREATE FUNCTION jobs_refresh_search_document() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_document := jobs_search_document(
        NEW.title,
        (SELECT string_agg(slug || ' ' || name, ' ') FROM technologies WHERE slug = ANY (NEW.technology_slugs)),
        (SELECT name FROM companies WHERE id = NEW.company_id),
        NEW.city,
        NEW.description);
    RETURN NEW;
END;
$$;

ALTER TABLE jobs DISABLE TRIGGER set_updated_at;
ALTER TABLE jobs ADD COLUMN search_document tsvector NOT NULL DEFAULT ''::tsvector;
UPDATE jobs j
   SET search_document = jobs_search_document(
           j.title,
           (SELECT string_agg(t.slug || ' ' || t.name, ' ') FROM technologies t WHERE t.slug = ANY (j.technology_slugs)),
           c.name, j.city, j.description)
  FROM companies c
 WHERE c.id = j.company_id;
ALTER TABLE jobs ENABLE TRIGGER set_updated_at;
CREATE TRIGGER jobs_search_document BEFORE INSERT OR UPDATE OF title, description, city, company_id, technology_slugs
    ON jobs FOR EACH ROW EXECUTE FUNCTION jobs_refresh_search_document();
CREATE INDEX jobs_search_idx ON jobs USING GIN (search_document) WHERE status = 'published';
