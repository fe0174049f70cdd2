-- A company may have a logo: one of the uploaded images. Deleting the image leaves the
-- company without a logo rather than failing. The companies trigger (000007) notifies
-- every instance of a logo change like any other company change.
ALTER TABLE companies
    ADD COLUMN logo_image_id BIGINT NULL REFERENCES images (id) ON DELETE SET NULL;

CREATE INDEX companies_logo_image_id_idx ON companies (logo_image_id)
    WHERE logo_image_id IS NOT NULL;
