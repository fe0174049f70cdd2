ALTER TABLE companies DROP COLUMN logo_image_id;
