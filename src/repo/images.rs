//! Uploaded images (the files themselves live in the image store).

use super::{RepoError, RepoResult};
use crate::db::models::{ImageRow, NewImageRow};
use crate::db::schema::images;
use crate::domain::image::StoredImage;
use diesel::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;

pub fn image_from(row: ImageRow) -> StoredImage {
    let to_u32 = |n: i32| u32::try_from(n).unwrap_or(0);
    StoredImage {
        id: row.id,
        base_name: row.base_name,
        extension: row.extension,
        widths: row.widths.into_iter().flatten().map(to_u32).collect(),
        width: to_u32(row.width),
        height: to_u32(row.height),
        original_name: row.original_name,
        created_at: row.created_at,
    }
}

/// What an upload stored, to be recorded.
#[derive(Debug, Clone)]
pub struct NewImage {
    pub base_name: String,
    pub extension: &'static str,
    pub widths: Vec<u32>,
    pub width: u32,
    pub height: u32,
    pub original_name: String,
    pub uploaded_by: i64,
}

pub fn insert(conn: &mut PgConnection, image: &NewImage) -> RepoResult<i64> {
    let to_i32 = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(diesel::insert_into(images::table)
        .values(NewImageRow {
            base_name: &image.base_name,
            extension: image.extension,
            widths: image.widths.iter().copied().map(to_i32).collect(),
            width: to_i32(image.width),
            height: to_i32(image.height),
            original_name: &image.original_name,
            uploaded_by: Some(image.uploaded_by),
        })
        .returning(images::id)
        .get_result(conn)?)
}

/// The newest images first.
pub fn list_recent(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> RepoResult<Vec<StoredImage>> {
    Ok(images::table
        .order((images::created_at.desc(), images::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ImageRow::as_select())
        .load(conn)?
        .into_iter()
        .map(image_from)
        .collect())
}

pub fn find(conn: &mut PgConnection, id: i64) -> RepoResult<StoredImage> {
    images::table
        .find(id)
        .select(ImageRow::as_select())
        .first(conn)
        .optional()?
        .map(image_from)
        .ok_or(RepoError::NotFound("image"))
}

/// The image `id` when there is one (a company's optional logo).
pub fn find_optional(conn: &mut PgConnection, id: Option<i64>) -> RepoResult<Option<StoredImage>> {
    let Some(id) = id else { return Ok(None) };
    Ok(images::table
        .find(id)
        .select(ImageRow::as_select())
        .first(conn)
        .optional()?
        .map(image_from))
}

/// The images with these ids (duplicates allowed), each loaded once and shared.
pub fn find_shared(
    conn: &mut PgConnection,
    ids: impl IntoIterator<Item = i64>,
) -> RepoResult<HashMap<i64, Arc<StoredImage>>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(images::table
        .filter(images::id.eq_any(ids))
        .select(ImageRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|row| (row.id, Arc::new(image_from(row))))
        .collect())
}
